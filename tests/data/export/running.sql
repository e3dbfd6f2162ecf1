-- Flink SQL for the job 'running aggregates, a global window, file and warehouse sinks', exported by Streamlab (job format version 1).
-- Runs in the Flink 1.19+ SQL client: sql-client.sh -f this-file.sql
-- Event time: the time attribute `rowtime` is a TIMESTAMP_LTZ(3), an instant like Streamlab's epoch milliseconds
-- (TO_TIMESTAMP_LTZ(ms, 3)); the session time zone is UTC, so windows align on the epoch as in Streamlab.
-- Comparisons: SQL's = and <> on a null field are unknown (the row does not pass a WHERE), where Streamlab's == and != compare null as a value.

SET 'parallelism.default' = '1';
SET 'pipeline.auto-watermark-interval' = '200 ms';
SET 'table.local-time-zone' = 'UTC';
SET 'table.exec.state.ttl' = '1 d';
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

-- running aggregate total: GROUP BY, a changelog of updated results
-- Streamlab emits one updated result per record; Flink SQL emits -U/+U pairs
-- WARNING: ttl: Flink SQL's state TTL is always onCreateAndWrite and neverReturnExpired; the configured update/visibility is not exported
CREATE TEMPORARY VIEW `total` AS
SELECT /*+ STATE_TTL('events' = '1 h') */ `user` AS `key`, SUM(`amount`) AS `value`
FROM `events`
GROUP BY `user`;

-- running aggregate counts: GROUP BY, a changelog of updated results
-- Streamlab emits one updated result per record; Flink SQL emits -U/+U pairs
CREATE TEMPORARY VIEW `counts` AS
SELECT `user` AS `key`, COUNT(*) AS `count`, MAX(`amount`) AS `biggest`
FROM `events`
GROUP BY `user`;

-- window forever: global
-- WARNING: the count trigger (every 10 elements) has no SQL form: the window fires once, when the watermark passes its end
-- WARNING: a global window has no SQL form: exported as a running GROUP BY aggregate, which emits an updated result per element instead of at the trigger's firings
CREATE TEMPORARY VIEW `forever` AS
SELECT `user` AS `key`, COUNT(*) AS `n`, AVG(CAST(`qty` AS DOUBLE)) AS `avg_qty`
FROM `events`
GROUP BY `user`;

-- sink file: file; Flink's filesystem connector writes part files into the directory named by 'path'
-- WARNING: its input 'total' produces updates (a running aggregate or late firings), which the filesystem connector rejects: Flink accepts only inserts there (use upsert-kafka or jdbc with a primary key)
CREATE TABLE `file` (
  `key` STRING,
  `value` DOUBLE
) WITH (
  'connector' = 'filesystem',
  'path' = '@DATA@/out/totals.csv',
  'format' = 'csv'
);

-- sink dwh: warehouse
-- WARNING: the warehouse sink is simulated (with its outage schedule); exported as a jdbc table with placeholder options to fill in; the outages have no SQL form
CREATE TABLE `dwh` (
  `key` STRING,
  `count` BIGINT,
  `biggest` DOUBLE,
  PRIMARY KEY (`key`) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = 'jdbc:postgresql://<host>:5432/<database>',
  'table-name' = 'dwh',
  'username' = '<user>',
  'password' = '<password>'
);

-- sink g: collect, printed to the task managers' stdout
CREATE TABLE `g` (
  `key` STRING,
  `n` BIGINT,
  `avg_qty` DOUBLE
) WITH (
  'connector' = 'print'
);

-- one job for every sink
EXECUTE STATEMENT SET BEGIN
  INSERT INTO `file`
  SELECT `key`, `value`
  FROM `total`;

  INSERT INTO `dwh`
  SELECT `key`, `count`, `biggest`
  FROM `counts`;

  INSERT INTO `g`
  SELECT `key`, `n`, `avg_qty`
  FROM `forever`;
END;
