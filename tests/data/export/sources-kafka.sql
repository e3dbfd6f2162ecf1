-- Flink SQL for the job 'sources: csv header, ISO-8601 text, partitions, idleness, monotonous, punctuated, inferred schema', exported by Streamlab (job format version 1).
-- Runs in the Flink 1.19+ SQL client: sql-client.sh -f this-file.sql
-- Event time: the time attribute `rowtime` is a TIMESTAMP_LTZ(3), an instant like Streamlab's epoch milliseconds
-- (TO_TIMESTAMP_LTZ(ms, 3)); the session time zone is UTC, so windows align on the epoch as in Streamlab.
-- Comparisons: SQL's = and <> on a null field are unknown (the row does not pass a WHERE), where Streamlab's == and != compare null as a value.

SET 'parallelism.default' = '1';
SET 'pipeline.auto-watermark-interval' = '200 ms';
SET 'table.local-time-zone' = 'UTC';
-- WARNING: sources have different idle timeouts, but table.exec.source.idle-timeout is job-wide: 30s applies to every source (also to those without withIdleness)
SET 'table.exec.source.idle-timeout' = '30 s';
SET 'state.backend.type' = 'hashmap';

-- source csvEpoch
-- WARNING: watermark: forMonotonousTimestamps emits maxTs - 1ms; SQL's WATERMARK uses the last row (EVENT-TIME.md 1.7), which is the same only while timestamps really ascend
CREATE TABLE `csvEpoch` (
  `user` STRING,
  `ts` BIGINT,
  `amount` DOUBLE,
  `qty` INT,
  `rowtime` AS TO_TIMESTAMP_LTZ(`ts`, 3),
  WATERMARK FOR `rowtime` AS `rowtime` - INTERVAL '0.001' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'csvEpoch',
  'properties.bootstrap.servers' = '<bootstrap-servers>',
  'properties.group.id' = '<consumer-group>',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'csv',
  'csv.ignore-parse-errors' = 'true'
);

-- source isoText
-- WARNING: watermark: the DataStream strategy emits maxTs - 150s - 1ms, the max timestamp seen so far; SQL's WATERMARK evaluates its expression on the last row of each interval (EVENT-TIME.md 1.7), so an out-of-order row at the end of an interval holds it back: windows fire later and fewer elements are late than in Streamlab
-- WARNING: 4 partitions (by sensor): Streamlab generates a watermark per partition and takes the minimum over the active ones; Flink SQL does so per split (a file is one split, a Kafka partition one split), so the watermark, idleness and lateness differ unless the topic has the same partitions
CREATE TABLE `isoText` (
  `sensor` STRING,
  `ts` STRING,
  `celsius` DOUBLE,
  `rowtime` AS CAST(CAST(REPLACE(REPLACE(`ts`, 'T', ' '), 'Z', '') AS TIMESTAMP(3)) AS TIMESTAMP_LTZ(3)),
  WATERMARK FOR `rowtime` AS `rowtime` - INTERVAL '0 00:02:30.000' DAY TO SECOND - INTERVAL '0.001' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'isoText',
  'properties.bootstrap.servers' = '<bootstrap-servers>',
  'properties.group.id' = '<consumer-group>',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'csv'
);

-- source inferred
-- schema inferred from the first lines of events.jsonl
-- WARNING: watermark: punctuated watermarks ({"@watermark": N} lines) have no SQL form; exported as the last row's timestamp - 1ms, and the watermark lines are read as rows of nulls
CREATE TABLE `inferred` (
  `user` STRING,
  `ts` BIGINT,
  `amount` DOUBLE,
  `qty` BIGINT,
  `country` STRING,
  `ok` BOOLEAN,
  `rowtime` AS TO_TIMESTAMP_LTZ(`ts`, 3),
  WATERMARK FOR `rowtime` AS `rowtime` - INTERVAL '0.001' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'inferred',
  'properties.bootstrap.servers' = '<bootstrap-servers>',
  'properties.group.id' = '<consumer-group>',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);

-- source missing
-- WARNING: the schema is not declared and could not be inferred from the file (@DATA@/no-such-file.jsonl: no such event file): declare it in the job; only the timestamp column is written
-- WARNING: watermark: the DataStream strategy emits maxTs - 0ms - 1ms, the max timestamp seen so far; SQL's WATERMARK evaluates its expression on the last row of each interval (EVENT-TIME.md 1.7), so an out-of-order row at the end of an interval holds it back: windows fire later and fewer elements are late than in Streamlab
CREATE TABLE `missing` (
  `ts` BIGINT,
  `rowtime` AS TO_TIMESTAMP_LTZ(`ts`, 3),
  WATERMARK FOR `rowtime` AS `rowtime` - INTERVAL '0' SECOND - INTERVAL '0.001' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'missing',
  'properties.bootstrap.servers' = '<bootstrap-servers>',
  'properties.group.id' = '<consumer-group>',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);

-- source plain
-- no timestamp field: no time attribute
-- WARNING: field 'any' has type any, which SQL has no column type for: declared STRING
CREATE TABLE `plain` (
  `user` STRING,
  `any` STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'plain',
  'properties.bootstrap.servers' = '<bootstrap-servers>',
  'properties.group.id' = '<consumer-group>',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);

-- sink s1: collect, printed to the task managers' stdout
CREATE TABLE `s1` (
  `user` STRING,
  `ts` BIGINT,
  `amount` DOUBLE,
  `qty` INT
) WITH (
  'connector' = 'print'
);

-- sink s2: collect, printed to the task managers' stdout
CREATE TABLE `s2` (
  `sensor` STRING,
  `ts` STRING,
  `celsius` DOUBLE
) WITH (
  'connector' = 'print'
);

-- sink s3: collect, printed to the task managers' stdout
CREATE TABLE `s3` (
  `user` STRING,
  `ts` BIGINT,
  `amount` DOUBLE,
  `qty` BIGINT,
  `country` STRING,
  `ok` BOOLEAN
) WITH (
  'connector' = 'print'
);

-- sink s4: collect, printed to the task managers' stdout
CREATE TABLE `s4` (
  `ts` BIGINT
) WITH (
  'connector' = 'print'
);

-- sink s5: collect, printed to the task managers' stdout
CREATE TABLE `s5` (
  `user` STRING,
  `any` STRING
) WITH (
  'connector' = 'print'
);

-- one job for every sink
EXECUTE STATEMENT SET BEGIN
  INSERT INTO `s1`
  SELECT `user`, `ts`, `amount`, `qty`
  FROM `csvEpoch`;

  INSERT INTO `s2`
  SELECT `sensor`, `ts`, `celsius`
  FROM `isoText`;

  INSERT INTO `s3`
  SELECT `user`, `ts`, `amount`, `qty`, `country`, `ok`
  FROM `inferred`;

  INSERT INTO `s4`
  SELECT `ts`
  FROM `missing`;

  INSERT INTO `s5`
  SELECT `user`, `any`
  FROM `plain`;
END;
