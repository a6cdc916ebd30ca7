package io.strata.master.allocator;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything one allocation pass looks at.
 *
 * @param roleWeights DRF weight per role; a missing (or non-positive) weight is 1.0
 * @param filters the master's offer filters, read but not changed by the allocator; may be null
 * @param now the instant against which filter expiry is judged
 */
public record AllocationInput(
    List<AgentView> agents,
    List<FrameworkView> frameworks,
    Map<String, Double> roleWeights,
    OfferFilters filters,
    Instant now) {}
