package io.strata.common.zk;

/**
 * A ZooKeeper URL as Mesos takes it: {@code zk://host1:2181,host2:2181/path}. Credentials in the URL
 * ({@code zk://user:pass@...}) are not supported and are rejected with a clear message.
 */
public record ZkUri(String connectString, String path) {
    public static ZkUri parse(String uri) {
        if (uri == null || !uri.startsWith("zk://")) {
            throw new IllegalArgumentException("expected a ZooKeeper URL like zk://127.0.0.1:2181/strata, got '" + uri + "'");
        }
        String rest = uri.substring("zk://".length());
        if (rest.contains("@")) throw new IllegalArgumentException("ZooKeeper credentials in the URL are not supported: " + uri);
        int slash = rest.indexOf('/');
        String hosts = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "/" : rest.substring(slash);
        if (hosts.isBlank()) throw new IllegalArgumentException("no ZooKeeper hosts in " + uri);
        for (String h : hosts.split(",")) {
            if (!h.matches("[A-Za-z0-9.\\-\\[\\]:]+")) throw new IllegalArgumentException("bad ZooKeeper host '" + h + "' in " + uri);
        }
        while (path.length() > 1 && path.endsWith("/")) path = path.substring(0, path.length() - 1);
        if (path.contains("//") || path.contains("/../") || path.endsWith("/..")) {
            throw new IllegalArgumentException("bad ZooKeeper path in " + uri);
        }
        return new ZkUri(hosts, path);
    }

    /** A child path under this URL's path. */
    public String child(String name) {
        return path.equals("/") ? "/" + name : path + "/" + name;
    }

    @Override
    public String toString() {
        return "zk://" + connectString + path;
    }
}
