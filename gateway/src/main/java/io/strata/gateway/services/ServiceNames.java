package io.strata.gateway.services;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Service names as Admin Router compares them: a path-like name ({@code group1/jenkins}, {@code /group1/jenkins})
 * becomes the dotted, reversed form Mesos-DNS uses ({@code jenkins.group1}), so a label and a URL match however
 * either is written.
 */
public final class ServiceNames {
    private ServiceNames() {}

    public static String normalise(String name) {
        List<String> parts = new ArrayList<>();
        for (String p : name.split("/")) {
            if (!p.isEmpty()) parts.add(p);
        }
        Collections.reverse(parts);
        return String.join(".", parts);
    }
}
