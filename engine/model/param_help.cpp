// What each parameter does, in Flink's terms: the designer's tooltips (see params.h, paramHelp).
#include "model/params.h"

#include <map>
#include <string>

namespace streamlab::model {

namespace {

    // By "kind.path"; "*.path" for the parameters every operator has.
    const std::map<std::string, std::string, std::less<>>& helpTexts()
    {
        static const auto* kHelp = new std::map<std::string, std::string, std::less<>> {
            { "config.parallelism", "Default parallelism (parallelism.default): how many parallel subtasks each "
                                    "operator runs unless it sets its own." },
            { "config.maxParallelism",
                "Max parallelism (pipeline.max-parallelism): the number of key groups keyed state is split into. "
                "Flink's default is 1.5 times the parallelism rounded up to a power of two, at least 128; it "
                "bounds how far the job can later scale out without losing state." },
            { "config.stateBackend",
                "State backend: heap keeps state as objects (HashMapStateBackend); rocksdb keeps it serialized in "
                "RocksDB on local disk (EmbeddedRocksDBStateBackend), so every state access pays a "
                "serialization." },
            { "config.autoWatermarkInterval",
                "pipeline.auto-watermark-interval: how often, in processing time, periodic watermarks are "
                "emitted. 0 turns periodic watermarks off." },
            { "config.checkpoints.interval",
                "execution.checkpointing.interval: how often a consistent snapshot of all state is taken. After a "
                "failure the job restarts from the last one and replays the events since." },
            { "config.idleStateRetention",
                "table.exec.state.ttl: keyed state not touched for this long is removed, as Flink SQL does for "
                "GROUP BY and joins without windows." },
            { "config.stateCache",
                "Entries of a write-back cache in front of RocksDB, like Flink SQL's mini-batch: repeated "
                "updates of one key cost one RocksDB write. 0 turns it off." },

            { "*.name", "A display name for the operator (Flink's .name(...)); the id stays the reference." },
            { "*.parallelism", "This operator's parallelism (.setParallelism(n)): its number of subtasks. "
                               "A change of parallelism between operators breaks the chain with a REBALANCE "
                               "exchange." },
            { "*.maxParallelism", "This operator's max parallelism (.setMaxParallelism(n)): its key groups." },
            { "*.stateBackend", "This operator's state backend, instead of the job's." },
            { "*.stateCache", "This operator's RocksDB write-back cache entries, instead of the job's." },

            { "source.path", "The event file this source replays: CSV with a header, or JSON Lines. A path "
                             "relative to the job file." },
            { "source.format", "The event file's format: csv (a header, then one event per line) or jsonl (one "
                               "JSON object per line); by default from the file's extension." },
            { "source.schema",
                "The records' fields and types. Declared, records cross exchanges with a typed serializer; "
                "inferred from the file, their fields are generic (Kryo in Flink): bigger and slower." },
            { "source.timestamp",
                "The event-time field: the WatermarkStrategy's TimestampAssigner reads each record's timestamp "
                "from it (epoch milliseconds or ISO-8601)." },
            { "source.arrival",
                "A field with each event's arrival in processing time (epoch ms), to replay when events really "
                "came. Without it they arrive evenly at the source's rate." },
            { "source.rate", "Events per second of processing time, when the file has no arrival field." },
            { "source.partitions.count",
                "Source splits, like a Kafka topic's partitions. Each has its own watermark; the source's "
                "watermark is their minimum, so one silent partition holds it back." },
            { "source.partitions.by", "Which partition an event belongs to: roundRobin, or a field whose value "
                                      "names the partition." },
            { "source.watermark.strategy",
                "The WatermarkStrategy: forBoundedOutOfOrderness (watermark = highest timestamp - delay - 1 ms), "
                "forMonotonousTimestamps (no delay), punctuated ({\"@watermark\": t} lines in the file), or "
                "none (event-time windows never fire)." },
            { "source.watermark.maxOutOfOrderness",
                "The delay of forBoundedOutOfOrderness: how long the watermark waits for out-of-order events. "
                "Longer: fewer late events, later results." },
            { "source.watermark.idleTimeout",
                "withIdleness(timeout): a partition silent this long in processing time is marked idle and no "
                "longer holds the watermark back." },
            { "source.onError", "A bad line: fail stops the replay and names file:line:column; skip counts it "
                                "and goes on." },

            { "filter.where", "The condition a record must meet to go on (DataStream.filter, SQL WHERE)." },
            { "map.set", "Fields to set, each from an expression of the record's fields (DataStream.map, SQL "
                         "SELECT expressions)." },
            { "keyBy.key",
                "keyBy(fields): records with equal keys go to one subtask. Flink hashes the key with murmur into "
                "one of maxParallelism key groups, and each subtask owns a range of key groups (a HASH exchange)." },

            { "window.assigner.type",
                "The WindowAssigner: tumbling (fixed size, no overlap), sliding (size, starting every slide), "
                "session (per key, closed after a gap without events), or global (one window; needs a trigger "
                "other than eventTime)." },
            { "window.assigner.size", "The window's length in event time." },
            { "window.assigner.slide", "How often a sliding window starts; each event belongs to size / slide "
                                       "windows." },
            { "window.assigner.offset",
                "Shifts where windows start (TumblingEventTimeWindows.of(size, offset)), for example to align "
                "days with a time zone." },
            { "window.assigner.gap", "A session closes when a key has no event for this long in event time." },
            { "window.trigger.type",
                "The Trigger: eventTime fires when the watermark passes the window's end (Flink's default), "
                "processingTime at the end by the clock, count every N elements, continuousEventTime every "
                "interval of event time, endOfStream once at the end of input, never." },
            { "window.trigger.count", "Elements per firing of the count trigger (CountTrigger.of(n))." },
            { "window.trigger.interval", "ContinuousEventTimeTrigger.of(interval): an early firing each time the "
                                         "watermark passes another interval." },
            { "window.trigger.purging",
                "PurgingTrigger: the window's contents are cleared at each firing, so each result counts only "
                "what came since the one before." },
            { "window.allowedLateness",
                "allowedLateness: how long after the watermark passed a window's end late events still update "
                "it. With the default trigger each late event fires the window again." },
            { "window.lateOutput",
                "sideOutputLateData: events later than the allowed lateness go to the late port instead of being "
                "dropped without a trace." },
            { "window.aggregate.fn",
                "The window function: count, sum, min, max or avg aggregate incrementally (an AggregateFunction); "
                "collect keeps every element (a ProcessWindowFunction)." },
            { "window.aggregate.field", "The field the aggregate reads (sum, min, max, avg); count needs none." },
            { "window.stateKind",
                "reducing: one accumulator per key and window (ReducingState); list: every element until the "
                "firing (ListState, as a ProcessWindowFunction needs), far more state and, on RocksDB, a "
                "serialization of the whole list." },
            { "window.lateFiring.every",
                "At most one late firing per interval, instead of the default trigger's one firing per late "
                "event: a custom trigger that batches late updates." },

            { "aggregate.aggregate.fn",
                "A running aggregate per key (SQL GROUP BY without a window): each record updates the key's "
                "result and emits it." },
            { "aggregate.aggregate.field", "The field the aggregate reads (sum, min, max, avg); count needs none." },

            { "*.ttl.ttl", "StateTtlConfig: state not written (or read) for this long is expired, in "
                           "processing time." },
            { "*.ttl.update", "What refreshes the time-to-live: OnCreateAndWrite, or OnReadAndWrite too." },
            { "*.ttl.visibility", "Whether an expired value not yet cleaned up may still be read: NeverReturnExpired "
                                  "or ReturnExpiredIfNotCleanedUp." },
            { "*.ttl.cleanup", "Cleanup strategies: background (the backend's default), full snapshot, "
                               "incremental on the heap, compaction filter on RocksDB." },

            { "sink.type",
                "Where results go: collect (shown in Results), file (a file sink), warehouse (a database written "
                "directly, with outages), discard (a blackhole sink)." },
            { "sink.path", "The file a file sink writes, relative to the job file." },
            { "sink.format", "The file sink's format: jsonl (one JSON object per result) or csv (a header, then "
                             "one line per result)." },
            { "sink.outages", "The warehouse's outages ({\"at\": duration, \"duration\": duration} in processing "
                              "time): the sink fails during each, and the job restarts from its last "
                              "checkpoint." },
        };
        return *kHelp;
    }

} // namespace

std::string paramHelp(std::string_view kind, std::string_view path)
{
    const auto& help = helpTexts();
    std::string key = std::string(kind) + "." + std::string(path);
    if (auto it = help.find(key); it != help.end())
        return it->second;
    if (auto it = help.find("*." + std::string(path)); it != help.end())
        return it->second;
    const ParamInfo* p = findParam(kind, path);
    return p ? p->description : std::string();
}

std::string paramUnit(ParamType type)
{
    switch (type) {
    case ParamType::Duration:
        return "a duration: 250ms, 5s, 1m, 2h, 1d";
    case ParamType::Integer:
        return "a whole number";
    case ParamType::Number:
        return "a number";
    case ParamType::Field:
        return "a field name";
    case ParamType::FieldList:
        return "field names, separated by commas";
    case ParamType::Expression:
        return "an expression of the record's fields";
    case ParamType::Path:
        return "a file path";
    default:
        return {};
    }
}

} // namespace streamlab::model
