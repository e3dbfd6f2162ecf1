-- Flink SQL for the job 'two sources into one filter: UNION ALL', exported by Streamlab (job format version 1).
-- Runs in the Flink 1.19+ SQL client: sql-client.sh -f this-file.sql
-- Event time: the time attribute `rowtime` is a TIMESTAMP_LTZ(3), an instant like Streamlab's epoch milliseconds
-- (TO_TIMESTAMP_LTZ(ms, 3)); the session time zone is UTC, so windows align on the epoch as in Streamlab.
-- Comparisons: SQL's = and <> on a null field are unknown (the row does not pass a WHERE), where Streamlab's == and != compare null as a value.

SET 'parallelism.default' = '1';
SET 'pipeline.auto-watermark-interval' = '200 ms';
SET 'table.local-time-zone' = 'UTC';
SET 'state.backend.type' = 'hashmap';

-- source a
-- WARNING: watermark: the DataStream strategy emits maxTs - 2s - 1ms, the max timestamp seen so far; SQL's WATERMARK evaluates its expression on the last row of each interval (EVENT-TIME.md 1.7), so an out-of-order row at the end of an interval holds it back: windows fire later and fewer elements are late than in Streamlab
CREATE TABLE `a` (
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

-- source b
-- WARNING: watermark: the DataStream strategy emits maxTs - 2s - 1ms, the max timestamp seen so far; SQL's WATERMARK evaluates its expression on the last row of each interval (EVENT-TIME.md 1.7), so an out-of-order row at the end of an interval holds it back: windows fire later and fewer elements are late than in Streamlab
CREATE TABLE `b` (
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

-- the inputs of f, merged
CREATE TEMPORARY VIEW `f_input` AS
SELECT `user`, `ts`, `amount`, `qty`, `country`, `ok`, `rowtime` FROM `a`
UNION ALL
SELECT `user`, `ts`, `amount`, `qty`, `country`, `ok`, `rowtime` FROM `b`;

-- filter f: qty / 2 >= 1 && qty % 3 != 0 && user == null || amount / 2.0 < 1.0E10
CREATE TEMPORARY VIEW `f` AS
SELECT `user`, `ts`, `amount`, `qty`, `country`, `ok`, `rowtime`
FROM `f_input`
WHERE ((((CAST(`qty` AS BIGINT) / 2) >= 1) AND (MOD(`qty`, 3) <> 0)) AND (`user` IS NULL)) OR ((`amount` / 2E0) < 1E+10);

-- sink out: collect, printed to the task managers' stdout
CREATE TABLE `out` (
  `user` STRING,
  `ts` BIGINT,
  `amount` DOUBLE,
  `qty` INT,
  `country` STRING,
  `ok` BOOLEAN
) WITH (
  'connector' = 'print'
);

INSERT INTO `out`
SELECT `user`, `ts`, `amount`, `qty`, `country`, `ok`
FROM `f`;
