package io.strata.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void rendersLikeTheDcosCli() {
        Table t = new Table().left("ID").center("MEM").center("TASKS").left("CMD")
                .row("/web", "128", "1/1", "python -m http.server")
                .row("/a", "32", "10/10", "sleep 10")
                .sortBy("ID");
        assertThat(t.render()).isEqualTo("""
                ID    MEM  TASKS  CMD
                /a    32   10/10  sleep 10
                /web  128   1/1   python -m http.server
                """);
    }

    @Test
    void multiLineCells() {
        Table t = new Table().left("APP").left("ID").row("/a\n/b", "d1");
        assertThat(t.render()).isEqualTo("APP  ID\n/a   d1\n/b\n");
    }

    @Test
    void truncates() {
        assertThat(Table.truncate("0123456789", 8)).isEqualTo("01234...");
        assertThat(Table.truncate("short", 8)).isEqualTo("short");
    }

    @Test
    void prettyJsonIsSortedWithTwoSpaces() {
        JsonNode n = Jsons.parse("{\"b\":[1,{\"z\":1,\"a\":[]}],\"a\":{}}", "test");
        assertThat(Jsons.pretty(n)).isEqualTo("""
                {
                  "a": {},
                  "b": [
                    1,
                    {
                      "a": [],
                      "z": 1
                    }
                  ]
                }""");
    }
}
