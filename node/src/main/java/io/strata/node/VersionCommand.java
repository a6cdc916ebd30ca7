package io.strata.node;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code dcos-node version}. */
@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Print the version of Strata and of the Mesos API it speaks.")
public final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println(Version.LINE);
        return 0;
    }
}
