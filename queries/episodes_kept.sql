-- The episodes overlapping [from, to) without their labels (core, see
-- _episodes.sql), for a table of their own: the statements of one answer
-- that share a window and filters (the weekly review's) read it instead of
-- building the same episodes each.
WITH {{template "episode_ctes" .}}
SELECT * FROM core
