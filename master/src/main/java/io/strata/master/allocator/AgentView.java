package io.strata.master.allocator;

import io.strata.common.resources.Resources;

/**
 * One agent as the allocator sees it.
 *
 * @param available what may still be offered: total minus used minus outstanding offers
 */
public record AgentView(String agentId, String hostname, Resources total, Resources available) {}
