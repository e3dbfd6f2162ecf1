-- Flink SQL for the job 'allowed lateness, late side output, lateFiring every', exported by Streamlab (job format version 1).
-- Runs in the Flink 1.19+ SQL client: sql-client.sh -f this-file.sql
-- Event time: the time attribute `rowtime` is a TIMESTAMP_LTZ(3), an instant like Streamlab's epoch milliseconds
-- (TO_TIMESTAMP_LTZ(ms, 3)); the session time zone is UTC, so windows align on the epoch as in Streamlab.
-- Comparisons: SQL's = and <> on a null field are unknown (the row does not pass a WHERE), where Streamlab's == and != compare null as a value.

SET 'parallelism.default' = '1';
SET 'pipeline.auto-watermark-interval' = '200 ms';
SET 'table.local-time-zone' = 'UTC';
SET 'state.backend.type' = 'hashmap';
-- Allowed lateness: Flink SQL fires late only on legacy group windows (GROUP BY TUMBLE/HOP), through these experimental options;
-- window TVFs reject them, so every tumbling and sliding window below is a legacy group window, and its results are updates.
SET 'table.exec.emit.late-fire.enabled' = 'true';
SET 'table.exec.emit.late-fire.delay' = '0 ms';
-- WARNING: windows have different allowed lateness, but table.exec.emit.allow-lateness is job-wide: the largest, 1m, applies to every window
-- WARNING: windows fire late at different paces, but table.exec.emit.late-fire.delay is job-wide: the smallest, 0ms, applies to every window
SET 'table.exec.emit.allow-lateness' = '1 min';

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

-- window perMinute: tumbling 1m, legacy group window
-- window_start and window_end are TIMESTAMP(3) in UTC (Streamlab writes epoch ms); firing and pane have no SQL column
-- WARNING: lateFiring every 2s: closest form is table.exec.emit.late-fire.delay, which fires late every delay of processing time rather than at most once per interval
-- WARNING: allowed lateness 10s: exported as a legacy group window with table.exec.emit.late-fire.* (experimental); each late firing is an update (retraction + new result) rather than Streamlab's additional complete firing
CREATE TEMPORARY VIEW `perMinute` AS
SELECT `user` AS `key`,
       TUMBLE_START(`rowtime`, INTERVAL '1' MINUTE) AS window_start,
       TUMBLE_END(`rowtime`, INTERVAL '1' MINUTE) AS window_end,
       COUNT(*) AS `value`,
       TUMBLE_ROWTIME(`rowtime`, INTERVAL '1' MINUTE) AS `rowtime`
FROM `events`
GROUP BY `user`, TUMBLE(`rowtime`, INTERVAL '1' MINUTE);

-- late side output of perMinute
-- WARNING: the late side output has no SQL form; closest: the rows whose timestamp + allowed lateness is at or behind the watermark of their input when they are read (CURRENT_WATERMARK), which misses rows late only at the window operator and ignores windows that are still open
CREATE TEMPORARY VIEW `perMinute_late` AS
SELECT `user`, `ts`, `amount`, `qty`, `country`, `ok`, `rowtime`
FROM `events`
WHERE `rowtime` + INTERVAL '10' SECOND <= CURRENT_WATERMARK(`rowtime`);

-- window perHour: tumbling 1h, legacy group window
-- window_start and window_end are TIMESTAMP(3) in UTC (Streamlab writes epoch ms); firing and pane have no SQL column
-- WARNING: allowed lateness 1m: exported as a legacy group window with table.exec.emit.late-fire.* (experimental); each late firing is an update (retraction + new result) rather than Streamlab's additional complete firing
CREATE TEMPORARY VIEW `perHour` AS
SELECT `user` AS `key`,
       TUMBLE_START(`rowtime`, INTERVAL '1' HOUR) AS window_start,
       TUMBLE_END(`rowtime`, INTERVAL '1' HOUR) AS window_end,
       MIN(`amount`) AS `value`,
       TUMBLE_ROWTIME(`rowtime`, INTERVAL '1' HOUR) AS `rowtime`
FROM `events`
GROUP BY `user`, TUMBLE(`rowtime`, INTERVAL '1' HOUR);

-- sink out: collect, printed to the task managers' stdout
CREATE TABLE `out` (
  `key` STRING,
  `window_start` TIMESTAMP(3),
  `window_end` TIMESTAMP(3),
  `value` BIGINT
) WITH (
  'connector' = 'print'
);

-- sink late: collect, printed to the task managers' stdout
CREATE TABLE `late` (
  `user` STRING,
  `ts` BIGINT,
  `amount` DOUBLE,
  `qty` INT,
  `country` STRING,
  `ok` BOOLEAN
) WITH (
  'connector' = 'print'
);

-- sink hourly: collect, printed to the task managers' stdout
CREATE TABLE `hourly` (
  `key` STRING,
  `window_start` TIMESTAMP(3),
  `window_end` TIMESTAMP(3),
  `value` DOUBLE
) WITH (
  'connector' = 'print'
);

-- one job for every sink
EXECUTE STATEMENT SET BEGIN
  INSERT INTO `out`
  SELECT `key`, `window_start`, `window_end`, `value`
  FROM `perMinute`;

  INSERT INTO `late`
  SELECT `user`, `ts`, `amount`, `qty`, `country`, `ok`
  FROM `perMinute_late`;

  INSERT INTO `hourly`
  SELECT `key`, `window_start`, `window_end`, `value`
  FROM `perHour`;
END;
