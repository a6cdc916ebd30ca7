package io.strata.dns.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;

/**
 * The DNS server's counters, scraped at {@code /metrics}. The counters a query touches are created up front, so
 * the query path only increments.
 */
public final class DnsMetrics {
    private final Counter[] responses = new Counter[24];
    private final Counter queriesUdp;
    private final Counter queriesTcp;
    private final Counter domainQueries;
    private final Counter forwarded;
    private final Counter forwardFailed;
    private final Counter forwardRejected;
    private final Counter dropped;
    private final Counter truncated;
    private final Counter tcpRejected;
    private final Timer recordLag;

    public DnsMetrics(MeterRegistry registry) {
        String[] names = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
        for (int i = 0; i < responses.length; i++) {
            String rcode = i < names.length ? names[i] : i == 16 ? "BADVERS" : "RCODE" + i;
            responses[i] = Counter.builder("strata_dns_responses_total").description("DNS responses by rcode")
                    .tag("rcode", rcode).register(registry);
        }
        queriesUdp = Counter.builder("strata_dns_queries_total").tag("transport", "udp").register(registry);
        queriesTcp = Counter.builder("strata_dns_queries_total").tag("transport", "tcp").register(registry);
        domainQueries = Counter.builder("strata_dns_domain_queries_total").description("queries for names in the Mesos domain").register(registry);
        forwarded = Counter.builder("strata_dns_forwarded_total").description("queries forwarded to upstream resolvers").register(registry);
        forwardFailed = Counter.builder("strata_dns_forward_failures_total").description("forwarded queries no upstream answered").register(registry);
        forwardRejected = Counter.builder("strata_dns_forward_rejected_total").description("forwards refused: too many in flight").register(registry);
        dropped = Counter.builder("strata_dns_dropped_total").description("packets answered with silence (too short, or a response)").register(registry);
        truncated = Counter.builder("strata_dns_truncated_total").description("answers cut to fit (TC)").register(registry);
        tcpRejected = Counter.builder("strata_dns_tcp_rejected_total").description("TCP connections closed at once: too many open").register(registry);
        recordLag = Timer.builder("strata_dns_record_update_seconds")
                .description("from a master event arriving to the records it changed being served").register(registry);
    }

    public static DnsMetrics noop() {
        return new DnsMetrics(new SimpleMeterRegistry());
    }

    void query(boolean tcp) {
        (tcp ? queriesTcp : queriesUdp).increment();
    }

    void response(int rcode) {
        responses[rcode >= 0 && rcode < responses.length ? rcode : 2].increment();
    }

    void domainQuery() {
        domainQueries.increment();
    }

    void forwarded() {
        forwarded.increment();
    }

    void forwardFailed() {
        forwardFailed.increment();
    }

    void forwardRejected() {
        forwardRejected.increment();
    }

    void dropped() {
        dropped.increment();
    }

    void truncated() {
        truncated.increment();
    }

    void tcpRejected() {
        tcpRejected.increment();
    }

    public void recordLag(long nanos) {
        recordLag.record(nanos, TimeUnit.NANOSECONDS);
    }
}
