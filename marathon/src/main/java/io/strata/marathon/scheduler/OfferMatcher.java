package io.strata.marathon.scheduler;

import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.PortMapping;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * Matches one offer with instances waiting to launch: a pure function. An instance fits when the offer still has
 * its cpus, mem, disk and host ports in roles the app accepts, and the agent meets the app's constraints given where
 * the app's instances already are (including those placed from this offer). Matched resources are taken out of the
 * offer, so several instances can share it.
 */
public final class OfferMatcher {
    /** An instance to launch with its app. */
    public record Candidate(Instance instance, AppDefinition app) {}

    /** A decision: launch {@code instance} with these resources (copied from the offer) and host ports. */
    public record Match(Instance instance, AppDefinition app, List<Resource> resources, List<Integer> hostPorts) {}

    /**
     * @param defaultAcceptedRoles roles an app that names none accepts (Marathon's --default_accepted_resource_roles);
     *                             empty means every role offered
     * @param placed               where each app's live instances are, for constraints
     * @param maxPerOffer          at most this many launches from one offer
     */
    public static List<Match> match(Offer offer, List<Candidate> candidates, List<String> defaultAcceptedRoles,
                                    Map<PathId, List<Constraints.Placement>> placed, int maxPerOffer) {
        Pool pool = new Pool(offer.getResourcesList());
        Constraints.Placement here = placement(offer);
        Map<PathId, List<Constraints.Placement>> placing = new HashMap<>();
        placed.forEach((k, v) -> placing.put(k, new ArrayList<>(v)));
        List<Match> out = new ArrayList<>();
        for (Candidate c : candidates) {
            if (out.size() >= maxPerOffer) break;
            AppDefinition app = c.app();
            List<String> roles = !app.acceptedResourceRoles().isEmpty() ? app.acceptedResourceRoles() : defaultAcceptedRoles;
            if (!Constraints.meets(app.constraints(), here, placing.getOrDefault(app.id(), List.of()))) continue;
            Pool trial = pool.copy();
            List<Resource> taken = new ArrayList<>();
            if (!trial.takeScalar("cpus", app.cpus(), roles, taken)) continue;
            if (!trial.takeScalar("mem", app.mem(), roles, taken)) continue;
            if (app.disk() > 0 && !trial.takeScalar("disk", app.disk(), roles, taken)) continue;
            if (app.gpus() > 0 && !trial.takeScalar("gpus", app.gpus(), roles, taken)) continue;
            List<Integer> wanted = requestedPorts(app);
            List<Integer> ports = trial.takePorts(wanted, roles, taken);
            if (ports == null) continue;
            pool = trial;
            out.add(new Match(c.instance(), app, taken, ports));
            placing.computeIfAbsent(app.id(), k -> new ArrayList<>()).add(here);
        }
        return out;
    }

    /** Host ports an instance needs: 0 for "any", a number for exactly that port. */
    static List<Integer> requestedPorts(AppDefinition app) {
        List<Integer> out = new ArrayList<>();
        if (app.usesHostNetworking()) {
            for (var d : app.portDefinitions()) out.add(app.requirePorts() ? d.port() : 0);
        } else {
            for (PortMapping m : app.portMappings()) if (m.hostPort() != null) out.add(m.hostPort());
        }
        return out;
    }

    static Constraints.Placement placement(Offer offer) {
        Map<String, String> attrs = new HashMap<>();
        for (Attribute a : offer.getAttributesList()) attrs.put(a.getName(), attributeValue(a));
        return new Constraints.Placement(offer.getHostname(), attrs);
    }

    /** An attribute as text, as Marathon compares it: text as is, scalars without a needless ".0", ranges and sets. */
    static String attributeValue(Attribute a) {
        return switch (a.getType()) {
            case TEXT -> a.getText().getValue();
            case SCALAR -> {
                double d = a.getScalar().getValue();
                yield d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
            }
            case RANGES -> {
                StringBuilder sb = new StringBuilder("[");
                for (Value.Range r : a.getRanges().getRangeList()) {
                    if (sb.length() > 1) sb.append(',');
                    sb.append(r.getBegin()).append('-').append(r.getEnd());
                }
                yield sb.append(']').toString();
            }
            case SET -> "{" + String.join(",", a.getSet().getItemList()) + "}";
            default -> "";
        };
    }

    /** The role a resource is offered for: its (last) reservation's, the deprecated role field, or "*". */
    static String role(Resource r) {
        if (r.getReservationsCount() > 0) return r.getReservations(r.getReservationsCount() - 1).getRole();
        if (r.hasRole()) return r.getRole();
        return "*";
    }

    static boolean accepted(Resource r, List<String> roles) {
        return roles.isEmpty() || roles.contains(role(r));
    }

    /** What is left of an offer. */
    static final class Pool {
        private final List<Resource> resources;
        private final List<Double> scalars;
        private final List<List<long[]>> ranges;

        Pool(List<Resource> offered) {
            resources = new ArrayList<>(offered);
            scalars = new ArrayList<>();
            ranges = new ArrayList<>();
            for (Resource r : offered) {
                scalars.add(r.hasScalar() ? r.getScalar().getValue() : 0.0);
                List<long[]> rs = new ArrayList<>();
                if (r.hasRanges()) for (Value.Range x : r.getRanges().getRangeList()) rs.add(new long[] {x.getBegin(), x.getEnd()});
                ranges.add(rs);
            }
        }

        private Pool(Pool o) {
            resources = o.resources;
            scalars = new ArrayList<>(o.scalars);
            ranges = new ArrayList<>();
            for (List<long[]> rs : o.ranges) {
                List<long[]> c = new ArrayList<>();
                for (long[] x : rs) c.add(x.clone());
                ranges.add(c);
            }
        }

        Pool copy() {
            return new Pool(this);
        }

        boolean takeScalar(String name, double amount, List<String> roles, List<Resource> taken) {
            double left = amount;
            List<int[]> plan = new ArrayList<>();
            List<Double> takes = new ArrayList<>();
            for (int i = 0; i < resources.size() && left > 1e-9; i++) {
                Resource r = resources.get(i);
                if (!r.getName().equals(name) || !r.hasScalar() || !accepted(r, roles) || r.hasDisk() && r.getDisk().hasPersistence()) continue;
                double take = Math.min(left, scalars.get(i));
                if (take <= 1e-9) continue;
                plan.add(new int[] {i});
                takes.add(take);
                left -= take;
            }
            if (left > 1e-9) return false;
            for (int k = 0; k < plan.size(); k++) {
                int i = plan.get(k)[0];
                double take = Math.round(takes.get(k) * 1000.0) / 1000.0;
                scalars.set(i, scalars.get(i) - takes.get(k));
                taken.add(resources.get(i).toBuilder().setScalar(Value.Scalar.newBuilder().setValue(take)).build());
            }
            return true;
        }

        /** Takes the wanted ports (0 = any free one); null when the offer does not have them. */
        List<Integer> takePorts(List<Integer> wanted, List<String> roles, List<Resource> taken) {
            List<Integer> out = new ArrayList<>();
            Map<Integer, List<Long>> bySource = new HashMap<>();
            Set<Long> used = new java.util.HashSet<>();
            for (int want : wanted) {
                boolean found = false;
                for (int i = 0; i < resources.size() && !found; i++) {
                    Resource r = resources.get(i);
                    if (!r.getName().equals("ports") || !accepted(r, roles)) continue;
                    for (long[] range : ranges.get(i)) {
                        long port = -1;
                        if (want != 0) {
                            if (want >= range[0] && want <= range[1] && !used.contains((long) want)) port = want;
                        } else {
                            for (long p = range[0]; p <= range[1]; p++) {
                                if (!used.contains(p)) {
                                    port = p;
                                    break;
                                }
                            }
                        }
                        if (port >= 0) {
                            used.add(port);
                            out.add((int) port);
                            bySource.computeIfAbsent(i, k -> new ArrayList<>()).add(port);
                            found = true;
                            break;
                        }
                    }
                }
                if (!found) return null;
            }
            for (Map.Entry<Integer, List<Long>> e : bySource.entrySet()) {
                int i = e.getKey();
                Value.Ranges.Builder rb = Value.Ranges.newBuilder();
                for (long p : e.getValue()) {
                    rb.addRange(Value.Range.newBuilder().setBegin(p).setEnd(p));
                    List<long[]> rs = ranges.get(i);
                    for (int k = 0; k < rs.size(); k++) {
                        long[] x = rs.get(k);
                        if (p < x[0] || p > x[1]) continue;
                        rs.remove(k);
                        if (x[0] <= p - 1) rs.add(k, new long[] {x[0], p - 1});
                        if (p + 1 <= x[1]) rs.add(x[0] <= p - 1 ? k + 1 : k, new long[] {p + 1, x[1]});
                        break;
                    }
                }
                taken.add(resources.get(i).toBuilder().clearRanges().setRanges(rb).build());
            }
            return out;
        }
    }
}
