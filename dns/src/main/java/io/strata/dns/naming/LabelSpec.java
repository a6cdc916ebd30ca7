package io.strata.dns.naming;

/**
 * How Mesos-DNS turns an arbitrary task or framework name into a DNS label. Letters are lower-cased, {@code .},
 * {@code _} and {@code -} become {@code -}, anything else is dropped; the result is cut to the maximum length and
 * stripped of the characters a label may not start or end with. RFC 1123 (the default) allows 63 characters and a
 * leading digit; RFC 952 ({@code enforceRFC952}) allows 24 and must start with a letter.
 *
 * <p>The cut follows Mesos-DNS exactly, including its quirk: when the cut falls inside a run of dashes, the run is
 * dropped and the label is topped up from what follows the run ({@code hello---...---f} becomes {@code hellof}
 * under RFC 952).
 */
public enum LabelSpec {
    RFC1123(63, "-"),
    RFC952(24, "-0123456789");

    private final int maxLength;
    private final String leftCut;

    LabelSpec(int maxLength, String leftCut) {
        this.maxLength = maxLength;
        this.leftCut = leftCut;
    }

    public int maxLength() {
        return maxLength;
    }

    /** One label from any string; may be empty when nothing usable is left. */
    public String label(String name) {
        if (name == null || name.isEmpty()) return "";
        StringBuilder mapped = new StringBuilder(Math.min(name.length(), 256));
        name.codePoints().forEach(c -> {
            if (c >= 'A' && c <= 'Z') mapped.append((char) (c + ('a' - 'A')));
            else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) mapped.append((char) c);
            else if (c == '-' || c == '.' || c == '_') mapped.append('-');
        });
        return cut(mapped);
    }

    private String cut(CharSequence label) {
        int start = 0;
        int n = label.length();
        while (start < n && leftCut.indexOf(label.charAt(start)) >= 0) start++;
        String trimmed = label.subSequence(start, n).toString();
        int size = Math.min(trimmed.length(), maxLength);
        int headEnd = size;
        while (headEnd > 0 && trimmed.charAt(headEnd - 1) == '-') headEnd--;
        String head = trimmed.substring(0, headEnd);
        if (head.length() == size) return head;
        int tailStart = size;
        while (tailStart < trimmed.length() && trimmed.charAt(tailStart) == '-') tailStart++;
        String tail = trimmed.substring(tailStart);
        if (tail.isEmpty()) return head;
        return head + tail.substring(0, Math.min(tail.length(), size - head.length()));
    }

    /**
     * A dotted name (a framework name such as {@code marathon.prod}): each dot-separated part becomes a label,
     * empty ones are dropped.
     */
    public String domainFragment(String name) {
        if (name == null || name.isEmpty()) return "";
        StringBuilder out = new StringBuilder();
        for (String part : name.split("\\.", -1)) {
            String l = label(part);
            if (l.isEmpty()) continue;
            if (!out.isEmpty()) out.append('.');
            out.append(l);
        }
        return out.toString();
    }
}
