-- Flink SQL for the job 'sliding windows: HOP table function, and a legacy HOP when size is no multiple of slide', exported by Streamlab (job format version 1).
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

-- window avg1m: sliding 1m every 10s, window TVF aggregation (slide before size)
-- window_start and window_end are TIMESTAMP(3) in UTC (Streamlab writes epoch ms); firing and pane have no SQL column
CREATE TEMPORARY VIEW `avg1m` AS
SELECT `user` AS `key`, window_start, window_end, AVG(CAST(`qty` AS DOUBLE)) AS `value`, window_time AS `rowtime`
FROM TABLE(HOP(TABLE `events`, DESCRIPTOR(`rowtime`), INTERVAL '10' SECOND, INTERVAL '1' MINUTE))
GROUP BY `user`, window_start, window_end;

-- size is not a multiple of slide, which the HOP table function rejects: legacy group window
-- window max150s: sliding 150s every 20s, legacy group window (slide before size)
-- window_start and window_end are TIMESTAMP(3) in UTC (Streamlab writes epoch ms); firing and pane have no SQL column
CREATE TEMPORARY VIEW `max150s` AS
SELECT `user` AS `key`,
       HOP_START(`rowtime`, INTERVAL '20' SECOND, INTERVAL '0 00:02:30.000' DAY TO SECOND) AS window_start,
       HOP_END(`rowtime`, INTERVAL '20' SECOND, INTERVAL '0 00:02:30.000' DAY TO SECOND) AS window_end,
       MAX(`amount`) AS `value`,
       HOP_ROWTIME(`rowtime`, INTERVAL '20' SECOND, INTERVAL '0 00:02:30.000' DAY TO SECOND) AS `rowtime`
FROM `events`
GROUP BY `user`, HOP(`rowtime`, INTERVAL '20' SECOND, INTERVAL '0 00:02:30.000' DAY TO SECOND);

-- sink out1: collect, printed to the task managers' stdout
CREATE TABLE `out1` (
  `key` STRING,
  `window_start` TIMESTAMP(3),
  `window_end` TIMESTAMP(3),
  `value` DOUBLE
) WITH (
  'connector' = 'print'
);

-- sink out2: collect, printed to the task managers' stdout
CREATE TABLE `out2` (
  `key` STRING,
  `window_start` TIMESTAMP(3),
  `window_end` TIMESTAMP(3),
  `value` DOUBLE
) WITH (
  'connector' = 'print'
);

-- one job for every sink
EXECUTE STATEMENT SET BEGIN
  INSERT INTO `out1`
  SELECT `key`, `window_start`, `window_end`, `value`
  FROM `avg1m`;

  INSERT INTO `out2`
  SELECT `key`, `window_start`, `window_end`, `value`
  FROM `max150s`;
END;
