package io.strata.master.allocator;

import java.util.List;
import java.util.Set;

import io.strata.common.resources.Resources;

/**
 * One framework as the allocator sees it.
 *
 * @param roles subscribed roles; none means the default role {@code "*"}
 * @param suppressedRoles roles the framework asked not to receive offers for (SUPPRESS)
 * @param allocated used plus offered, all roles. Entries carrying {@code allocation_info.role} count
 *     toward that role's share; entries without it count toward the first subscribed role, which is
 *     exact for single-role frameworks and an approximation for multi-role ones.
 * @param active false for frameworks that are deactivated or disconnected: they are not offered to,
 *     but their allocation still counts toward their roles' shares
 */
public record FrameworkView(
    String frameworkId, List<String> roles, Set<String> suppressedRoles, Resources allocated, boolean active) {}
