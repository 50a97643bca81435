-- The episodes overlapping [from, to) without their labels (core, see
-- _episodes.sql), for a table of their own: the statements of one answer
-- that share a scan and filters (the weekly review's) read it instead of
-- building the same episodes each, those whose window starts later only
-- the episodes overlapping it.
WITH {{template "episode_ctes" .}}
SELECT * FROM core
