package io.strata.node;

import picocli.CommandLine.IVersionProvider;

/** The version line printed by {@code dcos-node version} and {@code --version}. */
public final class Version implements IVersionProvider {
    public static final String STRATA = "0.1.0";
    public static final String MESOS_API = "1.11.0";
    public static final String LINE = "Strata " + STRATA + " (Mesos " + MESOS_API + " API)";

    @Override
    public String[] getVersion() {
        return new String[] {LINE};
    }
}
