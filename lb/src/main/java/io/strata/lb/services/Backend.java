package io.strata.lb.services;

/**
 * One server of a backend: a task's address for one service port.
 *
 * @param host     the agent's host name as Marathon reports it
 * @param ip       the address HAProxy connects to (the host's resolved address, or the task's own with IP-per-task)
 * @param port     the task's port for this service
 * @param draining an old blue/green task: kept in the backend but disabled, so it gets no new traffic
 */
public record Backend(String host, String ip, int port, boolean draining) {}
