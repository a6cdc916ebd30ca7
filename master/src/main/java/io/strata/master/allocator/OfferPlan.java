package io.strata.master.allocator;

import io.strata.common.resources.Resources;

/** One offer to make: {@code resources} carry {@code allocation_info.role = role}. */
public record OfferPlan(String frameworkId, String role, String agentId, Resources resources) {}
