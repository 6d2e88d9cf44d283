package dev.sealer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextsTest {

    @Test
    void utf8Length_isTheLengthOfTheEncodedBytes() {
        for (String text : new String[] {
            "",
            "ascii",
            "\u00e9t\u00e9", // 2-byte characters
            "\u4e2d\u6587", // 3-byte characters
            "\ud83d\udd11 key", // a surrogate pair: 4 bytes
            "\ud83d", // an unpaired high surrogate
            "x\udd11y", // an unpaired low surrogate
            "\ud83d\ud83d\udd11" // a high surrogate followed by a pair
        }) {
            assertThat(Texts.utf8Length(text)).as("%s", text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void utf8Length_ofRandomCharacters_matchesTheEncoder() {
        Random random = new Random(23);
        for (int round = 0; round < 200; round++) {
            char[] chars = new char[random.nextInt(64)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) random.nextInt(0x10000);
            }
            String text = new String(chars);
            assertThat(Texts.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void jsonStringChars_isTheLengthJacksonWrites() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0x300; c++) {
            every.append(c);
        }
        for (String text :
                new String[] {"", "plain", "a\"b\\c", "line\nbreak\ttab", "\u0001\u001f\u007f", every.toString()}) {
            assertThat(Texts.jsonStringChars(text))
                    .as("%s", text)
                    .isEqualTo(json.writeValueAsString(text).length());
        }
    }

    @Test
    void utf8Length_ofCjkText_isThreeBytesACharacter() {
        assertThat(Texts.utf8Length("\u4e2d".repeat(262_144))).isEqualTo(786_432);
    }
}
