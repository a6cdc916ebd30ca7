package io.strata.cli.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.output.Jsons;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileTailTest {
    /** A file served like the agent's files API: offset -1 is the size, reads are capped at 64 KB. */
    static final class File implements FileTail.Reader {
        final StringBuilder content = new StringBuilder();
        final List<long[]> reads = new ArrayList<>();

        @Override
        public JsonNode read(long offset, long length) {
            reads.add(new long[] {offset, length});
            if (offset == -1) return Jsons.object().put("data", "").put("offset", content.length());
            long end = Math.min(content.length(), offset + Math.min(length < 0 ? Long.MAX_VALUE : length, FileTail.CHUNK));
            String data = offset >= content.length() ? "" : content.substring((int) offset, (int) end);
            return Jsons.object().put("data", data).put("offset", offset);
        }
    }

    @Test
    void lastLinesOfALargeFileReadBackwardsInChunks() {
        File f = new File();
        for (int i = 1; i <= 20_000; i++) f.content.append("line number ").append(i).append('\n');
        FileTail tail = new FileTail(f);
        assertThat(tail.last(3)).containsExactly("line number 19998", "line number 19999", "line number 20000");
        assertThat(f.reads).hasSize(2); // the size, then one chunk from the end
        List<String> many = new FileTail(f).last(10_000);
        assertThat(many).hasSize(10_000);
        assertThat(many.get(0)).isEqualTo("line number 10001");
    }

    @Test
    void followPicksUpWhatIsAppendedEvenPastOneChunk() {
        File f = new File();
        f.content.append("a\nb\n");
        FileTail tail = new FileTail(f);
        assertThat(tail.last(10)).containsExactly("a", "b");
        assertThat(tail.more()).isEmpty();
        String big = "x".repeat(FileTail.CHUNK + 10) + "\n";
        f.content.append("c\n").append(big);
        assertThat(tail.more()).isEqualTo("c\n" + big);
        assertThat(tail.more()).isEmpty();
    }

    @Test
    void aFileWithoutANewlineAtTheEndAndAnEmptyOne() {
        File f = new File();
        f.content.append("one\ntwo");
        assertThat(new FileTail(f).last(1)).containsExactly("two");
        assertThat(new FileTail(new File()).last(5)).isEmpty();
    }

    @Test
    void aMissingFileIsNull() {
        assertThat(new FileTail((o, l) -> null).last(5)).isNull();
    }
}
