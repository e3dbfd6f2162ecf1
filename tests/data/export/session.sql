-- Flink SQL for the job 'session window as a legacy group window', exported by Streamlab (job format version 1).
-- Runs in the Flink 1.19+ SQL client: sql-client.sh -f this-file.sql
-- Event time: the time attribute `rowtime` is a TIMESTAMP_LTZ(3), an instant like Streamlab's epoch milliseconds
-- (TO_TIMESTAMP_LTZ(ms, 3)); the session time zone is UTC, so windows align on the epoch as in Streamlab.
-- Comparisons: SQL's = and <> on a null field are unknown (the row does not pass a WHERE), where Streamlab's == and != compare null as a value.

SET 'parallelism.default' = '1';
SET 'pipeline.auto-watermark-interval' = '200 ms';
SET 'table.local-time-zone' = 'UTC';
SET 'state.backend.type' = 'hashmap';

-- source events
-- WARNING: watermark: the DataStream strategy emits maxTs - 2s - 1ms, the max timestamp seen so far; SQL's WATERMARK evaluates its expression on the last row of each interval (EVENT-TIME.md 1.7), so an out-of-order row at the end of an interval holds it back: windows fire later and fewer elements are late than in Streamlab
CREATE TABLE `events` (
  `user` STRING,
  `ts` BIGINT,
  `amount` DOUBLE,
  `qty` INT,
  `country` STRING,
  `ok` BOOLEAN,
  `rowtime` AS TO_TIMESTAMP_LTZ(`ts`, 3),
  WATERMARK FOR `rowtime` AS `rowtime` - INTERVAL '2' SECOND - INTERVAL '0.001' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '@DATA@/events.jsonl',
  'format' = 'json'
);

-- window sessions: session gap 30s, legacy group window GROUP BY SESSION(...): the SESSION table function (Flink 1.19+) is not in every SQL tool's grammar yet
-- window_start and window_end are TIMESTAMP(3) in UTC (Streamlab writes epoch ms); firing and pane have no SQL column
-- WARNING: allowed lateness 5s is not exported: session group windows reject table.exec.emit.late-fire.*; late elements are dropped by Flink SQL
CREATE TEMPORARY VIEW `sessions` AS
SELECT `user` AS `key`,
       SESSION_START(`rowtime`, INTERVAL '30' SECOND) AS window_start,
       SESSION_END(`rowtime`, INTERVAL '30' SECOND) AS window_end,
       COUNT(*) AS `value`,
       SESSION_ROWTIME(`rowtime`, INTERVAL '30' SECOND) AS `rowtime`
FROM `events`
GROUP BY `user`, SESSION(`rowtime`, INTERVAL '30' SECOND);

-- sink out: collect, printed to the task managers' stdout
CREATE TABLE `out` (
  `key` STRING,
  `window_start` TIMESTAMP(3),
  `window_end` TIMESTAMP(3),
  `value` BIGINT
) WITH (
  'connector' = 'print'
);

INSERT INTO `out`
SELECT `key`, `window_start`, `window_end`, `value`
FROM `sessions`;
