-- Flink SQL for the job 'tumbling window TVF with filter and map', exported by Streamlab (job format version 1).
-- Runs in the Flink 1.19+ SQL client: sql-client.sh -f this-file.sql
-- Event time: the time attribute `rowtime` is a TIMESTAMP_LTZ(3), an instant like Streamlab's epoch milliseconds
-- (TO_TIMESTAMP_LTZ(ms, 3)); the session time zone is UTC, so windows align on the epoch as in Streamlab.
-- Comparisons: SQL's = and <> on a null field are unknown (the row does not pass a WHERE), where Streamlab's == and != compare null as a value.

SET 'parallelism.default' = '2';
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

-- filter big: amount > 1.5 && (country == 'PL' || !ok) && lower(user) != 'nobody'
CREATE TEMPORARY VIEW `big` AS
SELECT `user`, `ts`, `amount`, `qty`, `country`, `ok`, `rowtime`
FROM `events`
WHERE ((`amount` > 1.5E0) AND ((`country` = 'PL') OR (NOT `ok`))) AND (LOWER(`user`) <> 'nobody');

-- map enrich
CREATE TEMPORARY VIEW `enrich` AS
SELECT `user`,
       `ts`,
       ABS((`amount` - 10)) AS `amount`,
       `qty`,
       `country`,
       `ok`,
       CONCAT(COALESCE(UPPER(`user`), 'null'), '/', COALESCE(CAST(`qty` AS STRING), 'null')) AS `label`,
       CAST(`qty` AS BIGINT) * 2 AS `double_qty`,
       CONCAT('it''s ', COALESCE(`user`, 'null')) AS `tag`,
       `rowtime`
FROM `big`;

-- window perMinute: tumbling 1m offset 5s, window TVF aggregation
-- window_start and window_end are TIMESTAMP(3) in UTC (Streamlab writes epoch ms); firing and pane have no SQL column
CREATE TEMPORARY VIEW `perMinute` AS
SELECT `user` AS `key`, window_start, window_end, SUM(CAST(`qty` AS BIGINT)) AS `value`, window_time AS `rowtime`
FROM TABLE(TUMBLE(TABLE `enrich`, DESCRIPTOR(`rowtime`), INTERVAL '1' MINUTE, INTERVAL '5' SECOND))
GROUP BY `user`, window_start, window_end;

-- sink out: file; Flink's filesystem connector writes part files into the directory named by 'path'
CREATE TABLE `out` (
  `key` STRING,
  `window_start` TIMESTAMP(3),
  `window_end` TIMESTAMP(3),
  `value` BIGINT
) WITH (
  'connector' = 'filesystem',
  'path' = '@DATA@/out/sums.jsonl',
  'format' = 'json'
);

INSERT INTO `out`
SELECT `key`, `window_start`, `window_end`, `value`
FROM `perMinute`;
