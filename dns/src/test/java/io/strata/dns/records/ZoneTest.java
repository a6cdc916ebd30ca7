package io.strata.dns.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

class ZoneTest {
    static final Zone.Settings SETTINGS = Zone.Settings.of("mesos", 60, 1, "ns1.mesos", "root.ns1.mesos", 60, 600, 86400, 60);

    static Name n(String s) throws Exception {
        return Name.fromString(s);
    }

    @Test
    void recordsAreCountedSoASharedRecordStaysUntilItsLastOwnerGoes() throws Exception {
        Rr shared = Rr.a("web.marathon.slave.mesos.", "10.0.0.1");
        Zone z = Zone.of(SETTINGS, List.of(shared, shared, Rr.a("web.marathon.mesos.", "10.0.0.1")), 1);
        assertThat(z.size()).isEqualTo(2);
        assertThat(z.find(n("WEB.marathon.slave.mesos.")).get(Type.A)).hasSize(1);
        z = z.apply(List.of(shared), List.of(), 2);
        assertThat(z.find(n("web.marathon.slave.mesos.")).get(Type.A)).hasSize(1);
        z = z.apply(List.of(shared), List.of(), 3);
        assertThat(z.find(n("web.marathon.slave.mesos.")).exists()).isFalse();
        assertThat(z.serial()).isEqualTo(3);
        assertThat(z.size()).isEqualTo(1);
    }

    @Test
    void namesBetweenARecordAndTheApexExistWhileSomethingIsBelowThem() throws Exception {
        Rr srv = Rr.srv("_web._tcp.marathon.mesos.", "web-abcde-s0.marathon.slave.mesos.", 31000);
        Zone z = Zone.of(SETTINGS, List.of(srv), 1);
        assertThat(z.find(n("_tcp.marathon.mesos.")).exists()).isTrue();
        assertThat(z.find(n("_tcp.marathon.mesos.")).hasRecords()).isFalse();
        assertThat(z.find(n("marathon.mesos.")).exists()).isTrue();
        assertThat(z.find(n("other.mesos.")).exists()).isFalse();
        SRVRecord r = (SRVRecord) z.find(n("_web._tcp.marathon.mesos.")).first(Type.SRV);
        assertThat(r.getPort()).isEqualTo(31000);
        assertThat(r.getWeight()).isEqualTo(1);
        assertThat(r.getTTL()).isEqualTo(60);
        z = z.apply(List.of(srv), List.of(), 2);
        assertThat(z.find(n("_tcp.marathon.mesos.")).exists()).isFalse();
        assertThat(z.find(n("marathon.mesos.")).exists()).isFalse();
    }

    @Test
    void removingWhatWasNeverAddedChangesNothing() throws Exception {
        Zone z = Zone.of(SETTINGS, List.of(Rr.a("a.b.mesos.", "10.0.0.1")), 1);
        z = z.apply(List.of(Rr.a("a.b.mesos.", "10.0.0.2"), Rr.a("x.y.mesos.", "10.0.0.2")), List.of(), 2);
        assertThat(z.find(n("b.mesos.")).exists()).isTrue();
        assertThat(z.find(n("y.mesos.")).exists()).isFalse();
        assertThat(z.size()).isEqualTo(1);
    }

    @Test
    void invalidRecordsAreIgnored() throws Exception {
        Zone z = Zone.of(SETTINGS, List.of(Rr.a("a.mesos.", "not-an-ip"), Rr.srv("b.mesos.", "bad..name.", 1)), 1);
        assertThat(z.size()).isZero();
    }

    @Test
    void soaAndNsOfTheApex() {
        Zone z = Zone.empty(SETTINGS, 42);
        assertThat(z.soa().getSerial()).isEqualTo(42);
        assertThat(z.soa().getHost().toString()).isEqualTo("ns1.mesos.");
        assertThat(z.soa().getAdmin().toString()).isEqualTo("root.ns1.mesos.");
        assertThat(z.negativeSoa().getTTL()).isEqualTo(60);
        assertThat(z.ns().getTarget().toString()).isEqualTo("ns1.mesos.");
    }

    /** Random adds and removes applied one by one give the same zone as building the survivors at once. */
    @Test
    void incrementalChangesEqualAFullBuild() throws Exception {
        Random random = new Random(7);
        List<Rr> universe = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String app = "app" + random.nextInt(20);
            universe.add(Rr.a(app + ".marathon.mesos.", "10.0." + random.nextInt(3) + "." + random.nextInt(5)));
            universe.add(Rr.srv("_" + app + "._tcp.marathon.mesos.", app + "-x" + i + ".marathon.slave.mesos.", 31000 + random.nextInt(3)));
        }
        Map<Rr, Integer> live = new HashMap<>();
        Zone z = Zone.empty(SETTINGS, 1);
        for (int step = 0; step < 3000; step++) {
            Rr r = universe.get(random.nextInt(universe.size()));
            if (random.nextInt(3) == 0 && live.getOrDefault(r, 0) > 0) {
                z = z.apply(List.of(r), List.of(), step);
                live.merge(r, -1, Integer::sum);
            } else {
                z = z.apply(List.of(), List.of(r), step);
                live.merge(r, 1, Integer::sum);
            }
        }
        List<Rr> survivors = new ArrayList<>();
        live.forEach((r, c) -> {
            for (int i = 0; i < c; i++) survivors.add(r);
        });
        Zone full = Zone.of(SETTINGS, survivors, 1);
        assertThat(dump(z)).isEqualTo(dump(full));
        assertThat(z.size()).isEqualTo(full.size());
        // and existence of every intermediate name agrees
        for (Rr r : universe) {
            Name name = n(r.name());
            for (int strip = 0; strip < name.labels() - 2; strip++) {
                Name anc = new Name(name, strip);
                assertThat(z.find(anc).exists()).as(anc.toString()).isEqualTo(full.find(anc).exists());
            }
        }
    }

    static Map<String, List<String>> dump(Zone z) {
        Map<String, List<String>> out = new TreeMap<>();
        z.forEach((name, node) -> {
            List<String> rs = new ArrayList<>();
            for (Record r : node.all()) rs.add(r.toString());
            rs.sort(null);
            out.put(name.toString(), rs);
        });
        return out;
    }
}
