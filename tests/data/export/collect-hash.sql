-- Flink SQL for the job 'collect, hash(), composite keys, per-node settings, job configuration', exported by Streamlab (job format version 1).
-- Runs in the Flink 1.19+ SQL client: sql-client.sh -f this-file.sql
-- Event time: the time attribute `rowtime` is a TIMESTAMP_LTZ(3), an instant like Streamlab's epoch milliseconds
-- (TO_TIMESTAMP_LTZ(ms, 3)); the session time zone is UTC, so windows align on the epoch as in Streamlab.
-- Comparisons: SQL's = and <> on a null field are unknown (the row does not pass a WHERE), where Streamlab's == and != compare null as a value.

SET 'parallelism.default' = '4';
SET 'pipeline.max-parallelism' = '128';
SET 'pipeline.auto-watermark-interval' = '100 ms';
SET 'table.local-time-zone' = 'UTC';
SET 'execution.checkpointing.interval' = '30 s';
SET 'state.backend.type' = 'rocksdb';

-- source events
-- WARNING: parallelism 1 of this node is not exported: Flink SQL sets one parallelism for the job (parallelism.default), so its subtasks, key groups and per-subtask load differ
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

-- map bucket
-- WARNING: expression 'hash(user) % 16': hash() is Java's hashCode, which Flink SQL has no built-in function for: exported as HASH_CODE(...), a scalar UDF to register (String.hashCode / Long.hashCode / Double.hashCode) before the script runs
CREATE TEMPORARY VIEW `bucket` AS
SELECT `user`,
       `ts`,
       `amount`,
       `qty`,
       `country`,
       `ok`,
       MOD(HASH_CODE(`user`), 16) AS `bucket`,
       `rowtime`
FROM `events`;

-- keyBy byUserCountry: no statement of its own, its key is the GROUP BY of the next node
-- WARNING: maxParallelism 64 of this node is not exported: Flink SQL has only the job-wide pipeline.max-parallelism, so keys may land in other key groups and subtasks

-- composite key: one column per key field (Streamlab writes the key as an array)
-- window amounts: tumbling 1m, window TVF aggregation
-- window_start and window_end are TIMESTAMP(3) in UTC (Streamlab writes epoch ms); firing and pane have no SQL column
-- WARNING: parallelism 4 of this node is not exported: Flink SQL sets one parallelism for the job (parallelism.default), so its subtasks, key groups and per-subtask load differ
-- WARNING: state backend rocksdb of this node is not exported: Flink SQL has one state backend for the job (state.backend.type)
-- WARNING: collect gives a list; exported as LISTAGG(...), one STRING joining the values with ',' (ARRAY_AGG, which keeps a list, needs Flink 1.20 and is not in every SQL tool's grammar)
CREATE TEMPORARY VIEW `amounts` AS
SELECT `user`, `country`, window_start, window_end, LISTAGG(CAST(`amount` AS STRING)) AS `value`, window_time AS `rowtime`
FROM TABLE(TUMBLE(TABLE `bucket`, DESCRIPTOR(`rowtime`), INTERVAL '1' MINUTE))
GROUP BY `user`, `country`, window_start, window_end;

-- window records: tumbling 10s, window TVF aggregation
-- window_start and window_end are TIMESTAMP(3) in UTC (Streamlab writes epoch ms); firing and pane have no SQL column
-- WARNING: collect gives a list; exported as LISTAGG(...), one STRING joining the records (as JSON objects) with ',' (ARRAY_AGG, which keeps a list, needs Flink 1.20 and is not in every SQL tool's grammar)
CREATE TEMPORARY VIEW `records` AS
SELECT `bucket` AS `key`, window_start, window_end, LISTAGG(JSON_OBJECT(KEY 'user' VALUE `user`, KEY 'ts' VALUE `ts`, KEY 'amount' VALUE `amount`, KEY 'qty' VALUE `qty`, KEY 'country' VALUE `country`, KEY 'ok' VALUE `ok`, KEY 'bucket' VALUE `bucket`)) AS `value`, window_time AS `rowtime`
FROM TABLE(TUMBLE(TABLE `bucket`, DESCRIPTOR(`rowtime`), INTERVAL '10' SECOND))
GROUP BY `bucket`, window_start, window_end;

-- sink out1: discard
CREATE TABLE `out1` (
  `user` STRING,
  `country` STRING,
  `window_start` TIMESTAMP(3),
  `window_end` TIMESTAMP(3),
  `value` STRING
) WITH (
  'connector' = 'blackhole'
);

-- sink out2: collect, printed to the task managers' stdout
CREATE TABLE `out2` (
  `key` BIGINT,
  `window_start` TIMESTAMP(3),
  `window_end` TIMESTAMP(3),
  `value` STRING
) WITH (
  'connector' = 'print'
);

-- one job for every sink
EXECUTE STATEMENT SET BEGIN
  INSERT INTO `out1`
  SELECT `user`, `country`, `window_start`, `window_end`, `value`
  FROM `amounts`;

  INSERT INTO `out2`
  SELECT `key`, `window_start`, `window_end`, `value`
  FROM `records`;
END;
