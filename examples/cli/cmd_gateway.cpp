// examples/cli/cmd_gateway.cpp — `nerve gateway`: the gateway example. Thousands of sensor streams
// arrive as SenML packs (RFC 8428) in any order; each stream (a SenML name, bn + n) gets its own
// anomaly detector and an ADWIN drift detector, held in one fixed table (core/keyed.hpp).
//
//   nerve gateway [--input FILE|-] [--detector conformal_ensemble|zscore|robust_zscore]
//                 [--warmup N] [--drift score|level|off] [--state FILE] [--quiet]
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
// alarm reports that) or the reading (--drift level: a change of level, for sensors without
// cycles, as it fires on every turn of a cycle); E is ADWIN's
// mean after the change. It starts after the detector's warm-up.
//
// The table holds gateway_streams (4096) streams; a new stream arriving when it is full takes the
// slot of the stream heard from least recently, which starts afresh if it comes back ("evicted").
// RAM is fixed at start: sizeof one stream's state times 4096 (printed in the summary).
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
// Detectors count readings, not seconds: a gap in a stream is invisible to them.
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

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
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

namespace na = nerve::anomaly;
using nerve::drift::drift_signal;

constexpr std::size_t gateway_streams = 4096;
constexpr std::size_t max_name = 64;
using stream_key = nerve::short_name<max_name>;

struct reading {
    double time = 0;  // seconds (SenML's resolved time)
    float value = 0;
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
    };
    using input_type = reading;

    Detector detector{};
    nerve::drift::adwin<float, 5, 16> adwin{};
    double newest = 0;
    std::uint32_t seen = 0;  // readings in order, saturating: ADWIN starts after the warm-up
    bool heard = false;
    // Configuration (not state): what ADWIN watches, and the detector's warm-up, whose scores of
    // 0 would otherwise read as a change when scoring begins.
    drift_on watch = drift_on::score;
    std::uint32_t warmup = 0;

    stream_monitor() = default;
    stream_monitor(const Detector& d, drift_on w, std::uint32_t detector_warmup)
        : detector(d), watch(w), warmup(detector_warmup) {}

    output_type operator()(const reading& r) {
        if (heard && r.time < newest) return {false, {}, drift_signal::none, adwin.estimate()};
        heard = true;
        newest = r.time;
        const na::verdict v = detector(r.value);
        drift_signal d = drift_signal::none;
        if (seen < warmup) ++seen;
        else if (watch != drift_on::off) d = adwin(watch == drift_on::score ? v.score : r.value);
        return {true, v, d, adwin.estimate()};
    }
    void reset() {
        detector.reset();
        adwin.reset();
        newest = 0;
        seen = 0;
        heard = false;
    }
    template <class V>
    void visit_state(V& v) { v(detector); v(adwin); v(newest); v(seen); v(heard); }
};

struct options {
    std::string input;
    std::string mqtt, topic, client_id = "nerve-gateway";
    long long messages = 0;  // 0: no limit
    double idle = 0;         // 0: wait for ever
    std::string detector = "conformal_ensemble";
    long long warmup = -1;   // -1: the detector's own
    std::string drift = "score";
    std::string state;
    std::string publish;
    bool quiet = false;
};

struct counts {
    std::uint64_t packs = 0, bad_packs = 0, records = 0, scored = 0;
    std::uint64_t non_numeric = 0, non_finite = 0, long_names = 0, out_of_order = 0;
    std::uint64_t anomalies = 0, drifts = 0;
};

std::atomic<bool> stop_requested{false};
extern "C" void on_interrupt(int) { stop_requested = true; }

template <class Detector>
class gateway {
public:
    using table_type = nerve::keyed<stream_monitor<Detector>, gateway_streams, stream_key>;

    gateway(const stream_monitor<Detector>& prototype, bool quiet)
        : table_(std::make_unique<table_type>(prototype)), quiet_(quiet) {}

    /// One SenML pack: all its records, or none when it is not valid SenML.
    void pack(std::string_view text, double now, std::uint64_t where) {
        ++counts_.packs;
        const auto valid = nerve::io::read_senml(text, [](const nerve::io::senml_record&) {});
        if (!valid) {
            ++counts_.bad_packs;
            event(fmt::format("{{\"type\":\"bad_pack\",\"pack\":{},\"error\":\"{}: {}\"}}", where,
                              nerve::to_string(valid.code()), nerve::cli::json_escape(valid.message())));
            return;
        }
        // The same bytes again: they passed once, so every record is delivered.
        (void)nerve::io::read_senml(text, [&](const nerve::io::senml_record& r) { record(r, now); });
    }

    /// Restores the table from `path` when that file exists; a file that cannot be read or does
    /// not restore is reported and the table stays fresh.
    void load(const std::string& path) {
        if (!std::filesystem::exists(path)) return;
        const auto file = nerve::cli::read_file(path);
        if (!file) {
            fmt::print(stderr, "nerve: --state not restored ({}); starting fresh\n", file.error);
            return;
        }
        const auto& bytes = file.value;
        const auto r = nerve::restore(*table_, std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()),
                                                                         bytes.size()));
        if (!r) {
            fmt::print(stderr, "nerve: --state '{}' not restored ({}: {}); starting fresh\n", path,
                       nerve::to_string(r.code()), r.message());
            return;
        }
        restored_ = true;
    }

    /// Saves the table to `path` (through a temporary file, so a crash never leaves half a state).
    bool save(const std::string& path) const {
        std::vector<std::byte> bytes(nerve::snapshot_size(*table_));
        if (!nerve::snapshot(*table_, bytes)) return false;
        const std::string tmp = path + ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
            if (!out.flush()) return false;
        }
        return std::rename(tmp.c_str(), path.c_str()) == 0;
    }

    void summary(double seconds) const {
        fmt::print("{{\"type\":\"summary\",\"packs\":{},\"bad_packs\":{},\"records\":{},\"scored\":{},"
                   "\"non_numeric\":{},\"non_finite\":{},\"long_names\":{},\"out_of_order\":{},"
                   "\"anomalies\":{},\"drifts\":{},\"streams\":{},\"evicted\":{},\"capacity\":{},"
                   "\"bytes_per_stream\":{},\"table_bytes\":{},\"restored\":{},\"seconds\":{:.3f}}}\n",
                   counts_.packs, counts_.bad_packs, counts_.records, counts_.scored, counts_.non_numeric,
                   counts_.non_finite, counts_.long_names, counts_.out_of_order, counts_.anomalies,
                   counts_.drifts, table_->size(), table_->evicted(), gateway_streams,
                   sizeof(stream_monitor<Detector>), sizeof(table_type), restored_, seconds);
    }

    /// Where events go besides stdout (the MQTT --publish topic); false from it stops the run.
    std::function<bool(const std::string&)> forward;

private:
    void event(const std::string& line) {
        if (!quiet_) fmt::print("{}\n", line);
        if (forward && !forward(line)) stop_requested = true;
    }

    void record(const nerve::io::senml_record& r, double now) {
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
        const auto key = stream_key::from(name.value()).value();  // fits: buf holds max_name
        table_->push(key, reading{time, value}, [&](const auto& out) {
            const auto& y = out.value;
            if (!y.in_order) {
                ++counts_.out_of_order;
                return;
            }
            ++counts_.scored;
            if (y.verdict.alarm) {
                ++counts_.anomalies;
                event(fmt::format("{{\"type\":\"anomaly\",\"name\":\"{}\",\"time\":{},\"value\":{},\"score\":{}}}",
                                  nerve::cli::json_escape(out.key.view()), time, value, y.verdict.score));
            }
            if (y.drift == drift_signal::drift) {
                ++counts_.drifts;
                event(fmt::format("{{\"type\":\"drift\",\"name\":\"{}\",\"time\":{},\"value\":{},\"estimate\":{}}}",
                                  nerve::cli::json_escape(out.key.view()), time, value, y.estimate));
            }
        });
    }

    std::unique_ptr<table_type> table_;
    counts counts_;
    bool quiet_;
    bool restored_ = false;
};

double wall_clock_seconds() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

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
        g.pack(line, 0.0, n);
    }
    if (in.bad()) return nerve::cli::fail("reading '{}' failed", path);
    return 0;
}

#if NERVE_CLI_MQTT
template <class Detector>
int read_mqtt(gateway<Detector>& g, const options& o) {
    MQTTClient client{};
    int rc = MQTTClient_create(&client, o.mqtt.c_str(), o.client_id.c_str(), MQTTCLIENT_PERSISTENCE_NONE, nullptr);
    if (rc != MQTTCLIENT_SUCCESS) return nerve::cli::fail("MQTT: cannot use broker '{}': {}", o.mqtt, MQTTClient_strerror(rc));
    MQTTClient_connectOptions conn = MQTTClient_connectOptions_initializer;
    conn.keepAliveInterval = 20;
    conn.cleansession = 1;
    int result = 0;
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
                if (prc != MQTTCLIENT_SUCCESS && result == 0)
                    result = nerve::cli::fail("MQTT: cannot publish to '{}': {}", o.publish, MQTTClient_strerror(prc));
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
                last = std::chrono::steady_clock::now();
            } else if (o.idle > 0 &&
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - last).count() >= o.idle) {
                break;
            }
        }
        g.forward = nullptr;
        MQTTClient_disconnect(client, 1000);
    }
    MQTTClient_destroy(&client);
    return result;
}
#endif

template <class Detector>
int run_with(const Detector& detector, std::uint32_t warmup, const options& o) {
    const drift_on watch = o.drift == "level" ? drift_on::level : o.drift == "off" ? drift_on::off : drift_on::score;
    gateway<Detector> g(stream_monitor<Detector>(detector, watch, warmup), o.quiet);
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
        app.add_option("--state", o->state,
                       "restore every stream's state from this file at start (when it exists), save it at the end");
        app.add_flag("--quiet", o->quiet, "print only the summary line");
        return [o] { return run(*o); };
    });

}  // namespace
