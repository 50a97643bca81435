-- The episodes overlapping [from, to) without their labels (core, see
-- _episodes.sql), for a table of their own: the statements of one answer
-- that share a scan and filters (the weekly review's) read it instead of
-- building the same episodes each, those whose window starts later only
-- the episodes overlapping it. Without their notifications: the
-- statements reading kept episodes count the notifications of the few
-- they list ("sums_of"), or read them from the notifications
-- themselves, and folding every episode's deliveries here was 40% of
-- keeping them (0.55 s of 1.40 s for a week at a big Alertmanager's scale).
WITH {{template "episode_ctes" .}}
SELECT * EXCEPT (notifications) FROM core
