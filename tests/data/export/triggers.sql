-- Flink SQL for the job 'triggers, purging, list state and window TTL', exported by Streamlab (job format version 1).
-- Runs in the Flink 1.19+ SQL client: sql-client.sh -f this-file.sql
-- Event time: the time attribute `rowtime` is a TIMESTAMP_LTZ(3), an instant like Streamlab's epoch milliseconds
-- (TO_TIMESTAMP_LTZ(ms, 3)); the session time zone is UTC, so windows align on the epoch as in Streamlab.
-- Comparisons: SQL's = and <> on a null field are unknown (the row does not pass a WHERE), where Streamlab's == and != compare null as a value.

SET 'parallelism.default' = '1';
SET 'pipeline.auto-watermark-interval' = '200 ms';
SET 'table.local-time-zone' = 'UTC';
SET 'state.backend.type' = 'hashmap';
-- Early firing (continuousEventTime trigger): legacy group windows only, experimental option.
SET 'table.exec.emit.early-fire.enabled' = 'true';
SET 'table.exec.emit.early-fire.delay' = '1 min';

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

-- window continuous: tumbling 1h, legacy group window
-- window_start and window_end are TIMESTAMP(3) in UTC (Streamlab writes epoch ms); firing and pane have no SQL column
-- WARNING: continuousEventTime trigger (every 1m of event time): closest form is table.exec.emit.early-fire with a delay of 1m of processing time, on a legacy group window
CREATE TEMPORARY VIEW `continuous` AS
SELECT `user` AS `key`,
       TUMBLE_START(`rowtime`, INTERVAL '1' HOUR) AS window_start,
       TUMBLE_END(`rowtime`, INTERVAL '1' HOUR) AS window_end,
       COUNT(*) AS `value`,
       TUMBLE_ROWTIME(`rowtime`, INTERVAL '1' HOUR) AS `rowtime`
FROM `events`
GROUP BY `user`, TUMBLE(`rowtime`, INTERVAL '1' HOUR);

-- window counted: tumbling 1m, legacy group window
-- window_start and window_end are TIMESTAMP(3) in UTC (Streamlab writes epoch ms); firing and pane have no SQL column
-- WARNING: the count trigger (every 3 elements) has no SQL form: the window fires once, when the watermark passes its end
-- WARNING: purging: Flink SQL windows never purge between firings, so each later firing holds the whole window, not only the elements since the previous firing
CREATE TEMPORARY VIEW `counted` AS
SELECT `user` AS `key`,
       TUMBLE_START(`rowtime`, INTERVAL '1' MINUTE) AS window_start,
       TUMBLE_END(`rowtime`, INTERVAL '1' MINUTE) AS window_end,
       COUNT(*) AS `value`,
       TUMBLE_ROWTIME(`rowtime`, INTERVAL '1' MINUTE) AS `rowtime`
FROM `events`
GROUP BY `user`, TUMBLE(`rowtime`, INTERVAL '1' MINUTE);

-- window proc: tumbling 1m, legacy group window
-- window_start and window_end are TIMESTAMP(3) in UTC (Streamlab writes epoch ms); firing and pane have no SQL column
-- WARNING: the processingTime trigger has no SQL form: the window fires on the watermark (event time) instead of when processing time passes its end
-- WARNING: stateKind list has no SQL form: Flink SQL keeps one accumulator per window (the results are the same; the state size is not)
-- WARNING: ttl 1h is not exported: Flink SQL cleans window state with window timers, not with state TTL
CREATE TEMPORARY VIEW `proc` AS
SELECT `user` AS `key`,
       TUMBLE_START(`rowtime`, INTERVAL '1' MINUTE) AS window_start,
       TUMBLE_END(`rowtime`, INTERVAL '1' MINUTE) AS window_end,
       COUNT(*) AS `value`,
       TUMBLE_ROWTIME(`rowtime`, INTERVAL '1' MINUTE) AS `rowtime`
FROM `events`
GROUP BY `user`, TUMBLE(`rowtime`, INTERVAL '1' MINUTE);

-- window eos: tumbling 1m, legacy group window
-- window_start and window_end are TIMESTAMP(3) in UTC (Streamlab writes epoch ms); firing and pane have no SQL column
-- WARNING: the endOfStream trigger has no SQL form: the window fires when the watermark passes its end, not only at the end of the input
CREATE TEMPORARY VIEW `eos` AS
SELECT `user` AS `key`,
       TUMBLE_START(`rowtime`, INTERVAL '1' MINUTE) AS window_start,
       TUMBLE_END(`rowtime`, INTERVAL '1' MINUTE) AS window_end,
       COUNT(*) AS `value`,
       TUMBLE_ROWTIME(`rowtime`, INTERVAL '1' MINUTE) AS `rowtime`
FROM `events`
GROUP BY `user`, TUMBLE(`rowtime`, INTERVAL '1' MINUTE);

-- sink o1: collect, printed to the task managers' stdout
CREATE TABLE `o1` (
  `key` STRING,
  `window_start` TIMESTAMP(3),
  `window_end` TIMESTAMP(3),
  `value` BIGINT
) WITH (
  'connector' = 'print'
);

-- sink o2: collect, printed to the task managers' stdout
CREATE TABLE `o2` (
  `key` STRING,
  `window_start` TIMESTAMP(3),
  `window_end` TIMESTAMP(3),
  `value` BIGINT
) WITH (
  'connector' = 'print'
);

-- sink o3: collect, printed to the task managers' stdout
CREATE TABLE `o3` (
  `key` STRING,
  `window_start` TIMESTAMP(3),
  `window_end` TIMESTAMP(3),
  `value` BIGINT
) WITH (
  'connector' = 'print'
);

-- sink o4: collect, printed to the task managers' stdout
CREATE TABLE `o4` (
  `key` STRING,
  `window_start` TIMESTAMP(3),
  `window_end` TIMESTAMP(3),
  `value` BIGINT
) WITH (
  'connector' = 'print'
);

-- one job for every sink
EXECUTE STATEMENT SET BEGIN
  INSERT INTO `o1`
  SELECT `key`, `window_start`, `window_end`, `value`
  FROM `continuous`;

  INSERT INTO `o2`
  SELECT `key`, `window_start`, `window_end`, `value`
  FROM `counted`;

  INSERT INTO `o3`
  SELECT `key`, `window_start`, `window_end`, `value`
  FROM `proc`;

  INSERT INTO `o4`
  SELECT `key`, `window_start`, `window_end`, `value`
  FROM `eos`;
END;
