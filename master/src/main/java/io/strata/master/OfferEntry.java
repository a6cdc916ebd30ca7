package io.strata.master;

import io.strata.common.resources.Resources;
import java.time.Instant;
import org.apache.mesos.v1.Protos.Offer;

/** An outstanding offer. {@code resources} is in the master's internal form, without allocation info. */
record OfferEntry(String id, String frameworkId, String agentId, String role, Resources resources, Offer offer,
                  Instant created) {}
