-- Flink SQL for the job 'no warnings: no event time, a filter and a map into a print sink', exported by Streamlab (job format version 1).
-- Runs in the Flink 1.19+ SQL client: sql-client.sh -f this-file.sql
-- Event time: the time attribute `rowtime` is a TIMESTAMP_LTZ(3), an instant like Streamlab's epoch milliseconds
-- (TO_TIMESTAMP_LTZ(ms, 3)); the session time zone is UTC, so windows align on the epoch as in Streamlab.
-- Comparisons: SQL's = and <> on a null field are unknown (the row does not pass a WHERE), where Streamlab's == and != compare null as a value.

SET 'parallelism.default' = '1';
SET 'pipeline.auto-watermark-interval' = '200 ms';
SET 'table.local-time-zone' = 'UTC';
SET 'state.backend.type' = 'hashmap';

-- source events
-- no timestamp field: no time attribute
CREATE TABLE `events` (
  `user` STRING,
  `qty` BIGINT
) WITH (
  'connector' = 'filesystem',
  'path' = '@DATA@/events.jsonl',
  'format' = 'json'
);

-- filter f: qty >= 2
CREATE TEMPORARY VIEW `f` AS
SELECT `user`, `qty`
FROM `events`
WHERE `qty` >= 2;

-- map m
CREATE TEMPORARY VIEW `m` AS
SELECT `user`,
       `qty`,
       `qty` * 2 AS `twice`,
       CAST(NULL AS STRING) AS `nothing`
FROM `f`;

-- sink out: collect, printed to the task managers' stdout
CREATE TABLE `out` (
  `user` STRING,
  `qty` BIGINT,
  `twice` BIGINT,
  `nothing` STRING
) WITH (
  'connector' = 'print'
);

INSERT INTO `out`
SELECT `user`, `qty`, `twice`, `nothing`
FROM `m`;
