// examples/cli/cmd_gateway.cpp — `nerve gateway`: the gateway example. Thousands of sensor streams
// arrive as SenML packs (RFC 8428) in any order; each stream (a SenML name, bn + n) gets its own
// anomaly detector and an ADWIN drift detector, held in one fixed table (core/keyed.hpp).
//
//   nerve gateway [--input FILE|-] [--detector conformal_ensemble|zscore|robust_zscore]
//                 [--warmup N] [--drift score|level|off] [--drift-window N] [--silent S]
//                 [--state FILE] [--threads N] [--quiet]
//   nerve gateway --mqtt tcp://HOST:PORT --topic FILTER [--client-id ID] [--messages N]
//                 [--idle SECONDS] [--publish TOPIC] ...     (when built with libpaho-mqtt-dev)
//
// A file (or stdin, "-") holds one SenML JSON pack per line; over MQTT every message is a pack.
// Prints a JSON line per event, {"type":"anomaly","name":N,"time":T,"value":V,"score":S} where a
// stream's detector raises an alarm and {"type":"drift",...,"estimate":E} where ADWIN found a
// lasting change, then {"type":"summary",...} with the counts below. Over MQTT, --publish TOPIC
// also publishes every event line (not the summary) to TOPIC. ADWIN watches the anomaly
// score by default (--drift score: the stream has become more, or less, surprising than what its
// detector learned, for longer than one alarm; seasonal cycles the detector models do not fire
// it; a step the detector re-learns within a few readings may not fire it either: the anomaly
// alarm reports that) or the reading (--drift level: a lasting change of level). With ADWIN's
// own shortest cut (--drift-window 5) --drift level fires on every turn of a cycle; with
// --drift-window of one to two cycles in readings (a day of 5-minute readings: 288-576) each
// side of a cut spans whole cycles, so the cycle averages out and a step still shows, about a
// window after it (the price: no change is called sooner). E is ADWIN's mean after the change.
// ADWIN starts after the detector's warm-up.
//
// The table holds gateway_streams (4096) streams; a new stream arriving when it is full takes the
// slot of the stream heard from least recently, which starts afresh if it comes back ("evicted").
// RAM is fixed at start: sizeof one stream's state times 4096 (printed in the summary).
//
// --threads N: the streams are split over N such tables by a hash of their name, each scored on
// its own thread, while the reading thread parses SenML and routes each reading to its table.
// A stream always lands in the same table, so its readings are scored in order and its events
// are exactly those of one thread; events of different streams may interleave differently, and
// capacity and RAM are N times one table's. With --state, table K of N is saved to FILE.K-of-N
// (restored only by a run with the same N; another N is told so on stderr and starts fresh).
//
// Bad input never stops the gateway (a message on a broker can be anything):
//  - a pack that is not valid SenML is skipped whole, {"type":"bad_pack","pack":K,"error":...}
//    (K: the 1-based line or message), counted in "bad_packs": no record of it is used;
//  - a line (or message) over SenML's 1 MiB limit is such a bad pack; a file's line is read
//    through to its end but never held beyond that limit, so an endless line costs no memory;
//  - records that are not numbers (vs, vb, vd, a sum alone) are counted in "non_numeric";
//    values beyond float's range in "non_finite"; names over 64 characters in "long_names";
//  - a record older than the newest one of its stream is counted in "out_of_order" and not
//    scored: the detectors learn each stream in time order (equal times are accepted);
//  - SenML times below 2^28 are relative to "now": the receive time over MQTT, 0 for a file.
// Detectors count readings, not seconds: a gap in a stream is invisible to them. --silent S
// makes gaps visible: {"type":"silent","name":N,"last":T,"for":F} once a stream has been unheard
// for S seconds (T: its newest reading's time; F: seconds unheard when noticed), and
// {"type":"resumed","name":N,"time":T,"after":A} when it is heard again (A: seconds unheard).
// Silence is measured on the gateway's clock: over MQTT the wall clock (looked at every 200 ms
// even without messages); for a file or stdin the newest reading's time, so a replay reports
// what a live run would have.
//
// --state FILE: the whole table (every stream's detectors, the recency order) is restored from
// FILE at start when it exists and saved to it at the end (also after Ctrl-C or SIGTERM), so a
// restarted gateway goes on where it stopped instead of learning every stream again. A file that
// does not restore (corrupt, truncated, or saved with another --detector) is reported on stderr
// and the gateway starts fresh; the summary says "restored":true/false. The summary's "streams"
// and "evicted" are the table's (across restarts); the other counts are this run's.
//
// MQTT: a lost connection (or a failed --publish) ends the run with exit code 1, after saving
// --state, so a supervisor (systemd, a container's restart policy) restarts it where it stopped.
#include "cli.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "nerve/anomaly/conformal_ensemble.hpp"
#include "nerve/anomaly/robust_zscore.hpp"
#include "nerve/anomaly/zscore.hpp"
#include "nerve/core/keyed.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/drift/adwin.hpp"
#include "nerve/io/senml.hpp"
#include "pipeline_output.hpp"

#if NERVE_CLI_MQTT
#include <MQTTClient.h>
#endif

namespace {
namespace cmd_gateway {  // named for the unity build (CMakeLists.txt)

namespace na = nerve::anomaly;
using nerve::drift::drift_signal;

constexpr std::size_t gateway_streams = 4096;
constexpr std::size_t max_threads = 64;  // --threads
constexpr std::size_t max_name = 64;
using stream_key = nerve::short_name<max_name>;

struct reading {
    double time = 0;  // seconds (SenML's resolved time)
    float value = 0;
    double heard = 0;  // the gateway's clock when it arrived (see gateway::clock_)
};

/// What the per-stream ADWIN watches.
enum class drift_on : unsigned char {
    score,  ///< the anomaly score: the stream stays more (or less) surprising than its detector learned
    level,  ///< the reading itself: a lasting change of level (fires on seasonal cycles too)
    off,
};

/// One stream's state: its anomaly detector, an ADWIN drift detector, and the newest time heard.
template <class Detector>
struct stream_monitor {
    struct output_type {
        bool in_order = true;
        na::verdict verdict{};
        drift_signal drift = drift_signal::none;
        double estimate = 0;
        double resumed_after = -1;  // >= 0: the stream had been reported silent; seconds unheard
    };
    using input_type = reading;

    Detector detector{};
    nerve::drift::adwin<float, 5, 16> adwin{};
    double newest = 0;
    std::uint32_t seen = 0;  // readings in order, saturating: ADWIN starts after the warm-up
    bool heard = false;
    double heard_at = 0;     // the gateway's clock at the last reading, in order or not
    bool silent = false;     // reported silent (--silent) and not heard since
    // Configuration (not state): what ADWIN watches, and the detector's warm-up, whose scores of
    // 0 would otherwise read as a change when scoring begins.
    drift_on watch = drift_on::score;
    std::uint32_t warmup = 0;

    stream_monitor() = default;
    stream_monitor(const Detector& d, drift_on w, std::uint32_t detector_warmup, const nerve::drift::adwin_options& a)
        : detector(d), adwin(a), watch(w), warmup(detector_warmup) {}

    output_type operator()(const reading& r) {
        const double resumed_after = silent ? r.heard - heard_at : -1;
        silent = false;
        heard_at = r.heard;  // an out-of-order reading is still a sign of life
        if (heard && r.time < newest) return {false, {}, drift_signal::none, adwin.estimate(), resumed_after};
        heard = true;
        newest = r.time;
        const na::verdict v = detector(r.value);
        drift_signal d = drift_signal::none;
        if (seen < warmup) ++seen;
        else if (watch != drift_on::off) d = adwin(watch == drift_on::score ? v.score : r.value);
        return {true, v, d, adwin.estimate(), resumed_after};
    }
    void reset() {
        detector.reset();
        adwin.reset();
        newest = 0;
        seen = 0;
        heard = false;
        heard_at = 0;
        silent = false;
    }
    template <class V>
    void visit_state(V& v) { v(detector); v(adwin); v(newest); v(seen); v(heard); v(heard_at); v(silent); }
};

struct options {
    std::string input;
    std::string mqtt, topic, client_id = "nerve-gateway";
    long long messages = 0;  // 0: no limit
    double idle = 0;         // 0: wait for ever
    std::string detector = "conformal_ensemble";
    long long warmup = -1;   // -1: the detector's own
    std::string drift = "score";
    long long drift_window = 5;  // ADWIN's shortest side of a cut (its own default)
    double silent = 0;           // seconds; 0: no silent/resumed events
    std::string state;
    std::string publish;
    bool quiet = false;
    int threads = 1;
};

struct counts {
    std::uint64_t packs = 0, bad_packs = 0, records = 0, scored = 0;
    std::uint64_t non_numeric = 0, non_finite = 0, long_names = 0, out_of_order = 0;
    std::uint64_t anomalies = 0, drifts = 0, silent = 0, resumed = 0;
};

std::atomic<bool> stop_requested{false};
extern "C" void on_interrupt(int) { stop_requested = true; }

/// One stream's reading on its way to the shard that holds the stream.
struct routed_reading {
    stream_key key;
    reading r;
    bool tick = false;  // no reading: the clock advanced (a sweep for silent streams only)
};

/// Streams are split over shards by a hash of their name (seeded apart from the tables' own, so
/// a shard's table still spreads its keys over all its buckets): one table, one thread each.
constexpr std::uint64_t shard_seed = 0x5eed'0f5a'a2d5'0001ULL;

template <class Detector>
class gateway {
public:
    using table_type = nerve::keyed<stream_monitor<Detector>, gateway_streams, stream_key>;

    /// `threads` shards, each a table of gateway_streams streams; with more than one, each shard
    /// scores on its own thread and the reader only parses and routes.
    gateway(const stream_monitor<Detector>& prototype, bool quiet, std::size_t threads, double silent_s = 0)
        : quiet_(quiet), silent_s_(silent_s) {
        shards_.reserve(threads);
        for (std::size_t k = 0; k < threads; ++k) shards_.push_back(std::make_unique<shard>(prototype));
        if (threads > 1)
            for (auto& s : shards_) s->worker = std::thread([this, sp = s.get()] { work(*sp); });
    }
    ~gateway() { finish(); }
    gateway(const gateway&) = delete;
    gateway& operator=(const gateway&) = delete;

    /// One SenML pack: all its records, or none when it is not valid SenML. `received`: the wall
    /// clock at arrival for a live source (relative SenML times count from it, and it is the
    /// gateway's clock); none for a file, where relative times count from 0 and the clock is the
    /// newest reading's time.
    void pack(std::string_view text, std::optional<double> received, std::uint64_t where) {
        ++counts_.packs;
        if (received) clock_ = std::max(clock_, *received);
        const double now = received.value_or(0.0);
        const auto valid = nerve::io::read_senml(text, [](const nerve::io::senml_record&) {});
        if (!valid) {
            ++counts_.bad_packs;
            event(fmt::format("{{\"type\":\"bad_pack\",\"pack\":{},\"error\":\"{}: {}\"}}", where,
                              nerve::to_string(valid.code()), nerve::cli::json_escape(valid.message())));
            return;
        }
        // The same bytes again: they passed once, so every record is delivered.
        (void)nerve::io::read_senml(text, [&](const nerve::io::senml_record& r) { record(r, now, !received); });
    }

    /// A live source's clock moved without a message: streams may have gone silent meanwhile.
    void tick(double wall_clock) {
        if (silent_s_ <= 0 || wall_clock <= clock_) return;
        clock_ = wall_clock;
        if (shards_.size() == 1) return sweep(*shards_.front(), clock_);
        for (auto& s : shards_) {
            s->batch.push_back(routed_reading{stream_key{}, reading{0, 0, clock_}, true});
            hand_over(*s);
        }
    }

    /// Hands what the reader holds to the shards now (a live source calls this after each
    /// message, so a quiet broker does not hold readings back).
    void flush() {
        if (shards_.size() > 1)
            for (auto& s : shards_) hand_over(*s);
    }

    /// Every reading scored: the shards' threads drain and stop. Called before save and summary.
    void finish() {
        if (shards_.size() < 2 || finished_) return;
        finished_ = true;
        for (auto& s : shards_) {
            hand_over(*s);
            {
                std::lock_guard lock(s->mutex);
                s->closing = true;
            }
            s->wake.notify_one();
        }
        for (auto& s : shards_) s->worker.join();
    }

    /// Restores the tables from `path` (one shard) or `path`.K-of-N (N shards) when that exists;
    /// a file that cannot be read or does not restore is reported and that table stays fresh.
    void load(const std::string& path) {
        if (!std::filesystem::exists(state_path(path, 0))) {
            for (std::size_t n = 1; n <= max_threads; ++n)
                if (n != shards_.size() && std::filesystem::exists(n == 1 ? path : fmt::format("{}.1-of-{}", path, n))) {
                    fmt::print(stderr, "nerve: --state '{}' was saved with --threads {}, not {}; starting fresh\n",
                               path, n, shards_.size());
                    break;
                }
        }
        for (std::size_t k = 0; k < shards_.size(); ++k) {
            const std::string file_path = state_path(path, k);
            if (!std::filesystem::exists(file_path)) continue;
            const auto file = nerve::cli::read_file(file_path);
            if (!file) {
                fmt::print(stderr, "nerve: --state not restored ({}); starting fresh\n", file.error);
                continue;
            }
            const auto& bytes = file.value;
            const auto r = nerve::restore(*shards_[k]->table, std::span<const std::byte>(
                                                                  reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
            if (!r) {
                fmt::print(stderr, "nerve: --state '{}' not restored ({}: {}); starting fresh\n", file_path,
                           nerve::to_string(r.code()), r.message());
                continue;
            }
            restored_ = true;
        }
    }

    /// Saves the tables (through temporary files, so a crash never leaves half a state).
    bool save(const std::string& path) const {
        for (std::size_t k = 0; k < shards_.size(); ++k) {
            const auto& table = *shards_[k]->table;
            std::vector<std::byte> bytes(nerve::snapshot_size(table));
            if (!nerve::snapshot(table, bytes)) return false;
            const std::string final_path = state_path(path, k), tmp = final_path + ".tmp";
            {
                std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
                out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
                if (!out.flush()) return false;
            }
            if (std::rename(tmp.c_str(), final_path.c_str()) != 0) return false;
        }
        return true;
    }

    void summary(double seconds) const {
        counts c = counts_;
        std::size_t streams = 0, evicted = 0;
        for (const auto& s : shards_) {
            c.scored += s->tally.scored;
            c.out_of_order += s->tally.out_of_order;
            c.anomalies += s->tally.anomalies;
            c.drifts += s->tally.drifts;
            c.silent += s->tally.silent;
            c.resumed += s->tally.resumed;
            streams += s->table->size();
            evicted += s->table->evicted();
        }
        fmt::print("{{\"type\":\"summary\",\"packs\":{},\"bad_packs\":{},\"records\":{},\"scored\":{},"
                   "\"non_numeric\":{},\"non_finite\":{},\"long_names\":{},\"out_of_order\":{},"
                   "\"anomalies\":{},\"drifts\":{},\"silent\":{},\"resumed\":{},\"streams\":{},\"evicted\":{},"
                   "\"capacity\":{},"
                   "\"bytes_per_stream\":{},\"table_bytes\":{},\"threads\":{},\"restored\":{},\"seconds\":{:.3f}}}\n",
                   c.packs, c.bad_packs, c.records, c.scored, c.non_numeric, c.non_finite, c.long_names,
                   c.out_of_order, c.anomalies, c.drifts, c.silent, c.resumed, streams, evicted,
                   gateway_streams * shards_.size(),
                   sizeof(stream_monitor<Detector>), sizeof(table_type) * shards_.size(), shards_.size(), restored_,
                   seconds);
    }

    /// Where events go besides stdout (the MQTT --publish topic); false from it stops the run.
    /// Called under the event lock, so one call at a time whatever the shards.
    std::function<bool(const std::string&)> forward;

private:
    static constexpr std::size_t hand_over_at = 256;        // readings a reader batches per shard
    static constexpr std::size_t most_pending = 1u << 16;   // a shard's queue: the reader waits beyond

    struct shard {
        std::unique_ptr<table_type> table;
        counts tally{};                  // scored, out_of_order, anomalies, drifts, silent, resumed
        double next_sweep = 0;           // the clock at which to look for silent streams again
        std::vector<routed_reading> batch;  // the reader's, not yet handed over
        std::mutex mutex;
        std::condition_variable wake, room;
        std::vector<routed_reading> pending;  // handed over, not yet scored (under mutex)
        bool closing = false;
        std::thread worker;
        explicit shard(const stream_monitor<Detector>& prototype)
            : table(std::make_unique<table_type>(prototype)) {}
    };

    std::string state_path(const std::string& path, std::size_t k) const {
        return shards_.size() == 1 ? path : fmt::format("{}.{}-of-{}", path, k + 1, shards_.size());
    }

    void event(const std::string& line) {
        std::lock_guard lock(event_mutex_);
        if (!quiet_) fmt::print("{}\n", line);
        if (forward && !forward(line)) stop_requested = true;
    }

    void record(const nerve::io::senml_record& r, double now, bool clock_from_data) {
        ++counts_.records;
        std::array<char, max_name> buf;
        const auto name = nerve::io::senml_full_name(r, buf);
        if (!name) {
            ++counts_.long_names;
            return;
        }
        if (r.kind != nerve::io::senml_kind::number) {
            ++counts_.non_numeric;
            return;
        }
        const float value = static_cast<float>(r.value);
        if (!std::isfinite(value)) {
            ++counts_.non_finite;
            return;
        }
        const double time = r.relative_time ? now + r.time : r.time;
        if (clock_from_data) clock_ = std::max(clock_, time);
        routed_reading x{stream_key::from(name.value()).value(), reading{time, value, clock_}};  // fits: max_name
        if (shards_.size() == 1) return score(*shards_.front(), x);
        shard& s = *shards_[(nerve::key_hash(x.key, shard_seed) >> 32) % shards_.size()];
        s.batch.push_back(x);
        if (s.batch.size() >= hand_over_at) hand_over(s);
    }

    void hand_over(shard& s) {
        if (s.batch.empty()) return;
        {
            std::unique_lock lock(s.mutex);
            s.room.wait(lock, [&] { return s.pending.size() < most_pending; });
            s.pending.insert(s.pending.end(), s.batch.begin(), s.batch.end());
        }
        s.wake.notify_one();
        s.batch.clear();
    }

    void work(shard& s) {
        std::vector<routed_reading> mine;
        for (;;) {
            {
                std::unique_lock lock(s.mutex);
                s.wake.wait(lock, [&] { return !s.pending.empty() || s.closing; });
                if (s.pending.empty()) return;  // closing, and nothing left
                mine.swap(s.pending);
            }
            s.room.notify_one();
            for (const auto& x : mine) {
                if (x.tick) sweep(s, x.r.heard);
                else score(s, x);
            }
            mine.clear();
        }
    }

    void score(shard& s, const routed_reading& x) {
        s.table->push(x.key, x.r, [&](const auto& out) {
            const auto& y = out.value;
            if (y.resumed_after >= 0) {
                ++s.tally.resumed;
                event(fmt::format("{{\"type\":\"resumed\",\"name\":\"{}\",\"time\":{},\"after\":{}}}",
                                  nerve::cli::json_escape(out.key.view()), x.r.time, y.resumed_after));
            }
            if (!y.in_order) {
                ++s.tally.out_of_order;
                return;
            }
            ++s.tally.scored;
            if (y.verdict.alarm) {
                ++s.tally.anomalies;
                event(fmt::format("{{\"type\":\"anomaly\",\"name\":\"{}\",\"time\":{},\"value\":{},\"score\":{}}}",
                                  nerve::cli::json_escape(out.key.view()), x.r.time, x.r.value, y.verdict.score));
            }
            if (y.drift == drift_signal::drift) {
                ++s.tally.drifts;
                event(fmt::format("{{\"type\":\"drift\",\"name\":\"{}\",\"time\":{},\"value\":{},\"estimate\":{}}}",
                                  nerve::cli::json_escape(out.key.view()), x.r.time, x.r.value, y.estimate));
            }
        });
        sweep(s, x.r.heard);
    }

    /// --silent: every stream of the shard unheard for silent_s seconds of the gateway's clock is
    /// reported once (and "resumed" when heard again). Streams unheard longest are at the table's
    /// least-recent end, so the walk stops at the first stream heard lately; the ones already
    /// reported are walked past, at most once every min(1 s, silent_s / 8) of the clock.
    void sweep(shard& s, double clock) {
        if (silent_s_ <= 0 || clock < s.next_sweep) return;
        s.next_sweep = clock + std::min(1.0, silent_s_ / 8);
        s.table->for_each_least_recent_while([&](const stream_key& key, stream_monitor<Detector>& m) {
            if (clock - m.heard_at < silent_s_) return false;
            if (!m.silent) {
                m.silent = true;
                ++s.tally.silent;
                event(fmt::format("{{\"type\":\"silent\",\"name\":\"{}\",\"last\":{},\"for\":{}}}",
                                  nerve::cli::json_escape(key.view()), m.newest, clock - m.heard_at));
            }
            return true;
        });
    }

    std::vector<std::unique_ptr<shard>> shards_;
    counts counts_;  // the reader's: packs, bad_packs, records and the refused records
    std::mutex event_mutex_;
    bool quiet_;
    double silent_s_ = 0;  // --silent (0: off)
    // The gateway's clock: the newest wall-clock arrival time for a live source, else the newest
    // reading's time. Streams' silence is measured on it, so a file replays it as it happened.
    double clock_ = -std::numeric_limits<double>::infinity();
    bool restored_ = false;
    bool finished_ = false;
};

/// One line of `in` into `line` without its '\n', keeping at most `limit` bytes: a longer line is
/// read to its end but not kept, and `too_long` says so (a pack that size is refused unread, so
/// an endless line from a hostile or broken sender costs no memory). False at the end of input.
bool read_bounded_line(std::istream& in, std::string& line, std::size_t limit, bool& too_long) {
    line.clear();
    too_long = false;
    std::streambuf* buf = in.rdbuf();
    bool any = false;
    for (int c = buf->sbumpc(); c != std::char_traits<char>::eof(); c = buf->sbumpc()) {
        any = true;
        if (c == '\n') return true;
        if (line.size() < limit) line.push_back(static_cast<char>(c));
        else too_long = true;
    }
    in.setstate(std::ios::eofbit);
    return any;
}

template <class Detector>
int read_lines(gateway<Detector>& g, const std::string& path) {
    std::ifstream file;
    if (path != "-") {
        file.open(path, std::ios::binary);
        if (!file) return nerve::cli::fail("cannot read '{}'", path);
    }
    std::istream& in = path == "-" ? std::cin : file;
    std::string line;
    std::uint64_t n = 0;
    bool too_long = false;
    // One byte over SenML's own limit, so the reader refuses a pack of exactly that length.
    const std::size_t limit = nerve::io::senml_limits{}.max_bytes + 1;
    while (!stop_requested && read_bounded_line(in, line, limit, too_long)) {
        ++n;
        if (!too_long && !line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos && !too_long) continue;  // blank lines are no packs
        g.pack(line, std::nullopt, n);
    }
    if (in.bad()) return nerve::cli::fail("reading '{}' failed", path);
    return 0;
}

#if NERVE_CLI_MQTT
// An MQTT message's arrival time: the clock of a live source (files replay their readings' times).
double wall_clock_seconds() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

template <class Detector>
int read_mqtt(gateway<Detector>& g, const options& o) {
    MQTTClient client{};
    int rc = MQTTClient_create(&client, o.mqtt.c_str(), o.client_id.c_str(), MQTTCLIENT_PERSISTENCE_NONE, nullptr);
    if (rc != MQTTCLIENT_SUCCESS) return nerve::cli::fail("MQTT: cannot use broker '{}': {}", o.mqtt, MQTTClient_strerror(rc));
    MQTTClient_connectOptions conn = MQTTClient_connectOptions_initializer;
    conn.keepAliveInterval = 20;
    conn.cleansession = 1;
    int result = 0;
    std::atomic<bool> publish_failed{false};
    if ((rc = MQTTClient_connect(client, &conn)) != MQTTCLIENT_SUCCESS) {
        result = nerve::cli::fail("MQTT: cannot connect to '{}': {}", o.mqtt, MQTTClient_strerror(rc));
    } else if ((rc = MQTTClient_subscribe(client, o.topic.c_str(), 1)) != MQTTCLIENT_SUCCESS) {
        result = nerve::cli::fail("MQTT: cannot subscribe to '{}': {}", o.topic, MQTTClient_strerror(rc));
    } else {
        if (!o.publish.empty()) {
            // Events at QoS 1, each acknowledged before the next reading: an alarm is not lost
            // to a dropped connection unnoticed (the run stops with an error instead).
            g.forward = [&](const std::string& line) {
                MQTTClient_message m = MQTTClient_message_initializer;
                m.payload = const_cast<char*>(line.data());
                m.payloadlen = static_cast<int>(line.size());
                m.qos = 1;
                MQTTClient_deliveryToken token = 0;
                int prc = MQTTClient_publishMessage(client, o.publish.c_str(), &m, &token);
                if (prc == MQTTCLIENT_SUCCESS) prc = MQTTClient_waitForCompletion(client, token, 10000);
                // Runs on the shards' threads (one at a time): the failure is only flagged here.
                if (prc != MQTTCLIENT_SUCCESS && !publish_failed.exchange(true))
                    nerve::cli::fail("MQTT: cannot publish to '{}': {}", o.publish, MQTTClient_strerror(prc));
                return prc == MQTTCLIENT_SUCCESS;
            };
        }
        fmt::print("{{\"type\":\"listening\",\"broker\":\"{}\",\"topic\":\"{}\"}}\n", nerve::cli::json_escape(o.mqtt),
                   nerve::cli::json_escape(o.topic));
        std::fflush(stdout);
        std::uint64_t n = 0;
        auto last = std::chrono::steady_clock::now();
        while (!stop_requested && (o.messages == 0 || n < static_cast<std::uint64_t>(o.messages))) {
            char* topic = nullptr;
            int topic_length = 0;
            MQTTClient_message* m = nullptr;
            rc = MQTTClient_receive(client, &topic, &topic_length, &m, 200);
            if (rc != MQTTCLIENT_SUCCESS && rc != MQTTCLIENT_TOPICNAME_TRUNCATED) {
                result = nerve::cli::fail("MQTT: connection to '{}' lost: {}", o.mqtt, MQTTClient_strerror(rc));
                break;
            }
            if (m) {
                ++n;
                g.pack(std::string_view(static_cast<const char*>(m->payload), static_cast<std::size_t>(m->payloadlen)),
                       wall_clock_seconds(), n);
                MQTTClient_freeMessage(&m);
                MQTTClient_free(topic);
                g.flush();
                last = std::chrono::steady_clock::now();
            } else if (o.idle > 0 &&
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - last).count() >= o.idle) {
                break;
            } else {
                g.tick(wall_clock_seconds());  // no message: streams can still fall silent
            }
        }
        g.finish();  // the shards' last events are published before the connection closes
        g.forward = nullptr;
        if (publish_failed && result == 0) result = 1;
        MQTTClient_disconnect(client, 1000);
    }
    MQTTClient_destroy(&client);
    return result;
}
#endif

template <class Detector>
int run_with(const Detector& detector, std::uint32_t warmup, const options& o) {
    const drift_on watch = o.drift == "level" ? drift_on::level : o.drift == "off" ? drift_on::off : drift_on::score;
    nerve::drift::adwin_options adwin_options;
    adwin_options.min_window_length = static_cast<std::uint32_t>(o.drift_window);
    gateway<Detector> g(stream_monitor<Detector>(detector, watch, warmup, adwin_options), o.quiet,
                        static_cast<std::size_t>(o.threads), o.silent);
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    if (!o.state.empty()) g.load(o.state);
    const auto start = std::chrono::steady_clock::now();
    int rc = 0;
    if (!o.mqtt.empty()) {
#if NERVE_CLI_MQTT
        rc = read_mqtt(g, o);
#else
        return nerve::cli::fail("this nerve was built without MQTT (Debian: libpaho-mqtt-dev); use --input");
#endif
    } else {
        rc = read_lines(g, o.input);
    }
    g.finish();
    if (!o.state.empty() && !g.save(o.state)) rc = nerve::cli::fail("cannot write the state to '{}'", o.state);
    if (rc != 0) return rc;
    g.summary(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return 0;
}

int run(const options& o) {
    if (o.mqtt.empty() == o.input.empty())
        return nerve::cli::fail("give either --input FILE (or - for stdin) or --mqtt URI");
    if (!o.mqtt.empty() && o.topic.empty()) return nerve::cli::fail("--mqtt needs --topic");
    if (!o.publish.empty() && o.mqtt.empty()) return nerve::cli::fail("--publish needs --mqtt");
    if (o.drift != "score" && o.drift != "level" && o.drift != "off")
        return nerve::cli::fail("--drift is score, level or off, not '{}'", o.drift);
    const bool own_warmup = o.warmup < 0;
    const auto warmup = static_cast<std::uint32_t>(o.warmup);
    if (o.detector == "conformal_ensemble" || o.detector == "default") {
        na::conformal_ensemble_config c;
        if (!own_warmup) c.probation = warmup;
        return run_with(na::nab_default(c), c.probation, o);
    }
    if (o.detector == "zscore") {
        na::zscore<float>::config c;
        if (!own_warmup) c.warmup = warmup;
        return run_with(na::zscore<float>(c), c.warmup, o);
    }
    if (o.detector == "robust_zscore") {
        na::robust_zscore<float, 128>::config c;
        if (!own_warmup) c.warmup = warmup;
        return run_with(na::robust_zscore<float, 128>(c), c.warmup, o);
    }
    return nerve::cli::fail("unknown detector '{}' (available: conformal_ensemble, zscore, robust_zscore)", o.detector);
}

const bool registered = nerve::cli::add_command(
    "gateway",
    "Many sensor streams as SenML packs (a file, stdin or MQTT): per-stream anomaly and drift events, a summary",
    [](CLI::App& app) -> nerve::cli::action {
        auto o = std::make_shared<options>();
        app.add_option("--input", o->input, "file of SenML JSON packs, one per line ('-': stdin)");
        app.add_option("--mqtt", o->mqtt, "MQTT broker URI, e.g. tcp://localhost:1883: every message is a pack");
        app.add_option("--topic", o->topic, "MQTT topic filter to subscribe to, e.g. 'site/+/senml'");
        app.add_option("--client-id", o->client_id, "MQTT client id (default: nerve-gateway)");
        app.add_option("--messages", o->messages, "MQTT: stop after this many messages (default: no limit)")
            ->check(CLI::Range(0LL, 1LL << 62));
        app.add_option("--publish", o->publish,
                       "MQTT: also publish every event line to this topic (QoS 1), e.g. 'site/nerve/events'");
        app.add_option("--idle", o->idle, "MQTT: stop after this many seconds without a message (default: never)")
            ->check(CLI::Range(0.0, 1e9));
        app.add_option("--detector", o->detector,
                       "per-stream detector: conformal_ensemble (default; ~12 KB a stream), zscore, robust_zscore");
        app.add_option("--warmup", o->warmup, "readings of each stream that only train (default: the detector's own)")
            ->check(CLI::Range(0LL, 1LL << 31));
        app.add_option("--drift", o->drift,
                       "what each stream's ADWIN watches: score (default: the anomaly score), level (the reading), off");
        app.add_option("--drift-window", o->drift_window,
                       "readings on each side of a change before ADWIN may call it (default 5); two cycles of "
                       "the data's seasonality keep --drift level quiet on the cycle")
            ->check(CLI::Range(1LL, 1LL << 20));
        app.add_option("--silent", o->silent,
                       "report a stream unheard for this many seconds (its data's time for a file, the wall "
                       "clock over MQTT), and again when it resumes (default 0: off)")
            ->check(CLI::Range(0.0, 1e9));
        app.add_option("--state", o->state,
                       "restore every stream's state from this file at start (when it exists), save it at the end");
        app.add_option("--threads", o->threads,
                       "shards, each a table of 4096 streams scored on its own thread (default 1)")
            ->check(CLI::Range(1, static_cast<int>(max_threads)));
        app.add_flag("--quiet", o->quiet, "print only the summary line");
        return [o] { return run(*o); };
    });

}  // namespace cmd_gateway
}  // namespace
