package io.strata.agent.containerizer.docker;

/**
 * A task's Docker container as the agent checkpoints it (in {@code task.json}), enough to find it again after a
 * restart and to report it.
 *
 * @param dockerId  Docker's id of the container
 * @param name      its name ({@code mesos-<container id>})
 * @param pid       its main process on the host, or null before it started
 * @param ipAddress its address on its network (bridge or user network), or null (host network, none, unknown)
 * @param network   the network mode it runs in ({@code host}, {@code bridge}, {@code none} or a network's name)
 */
public record DockerContainer(String dockerId, String name, Long pid, String ipAddress, String network) {}
