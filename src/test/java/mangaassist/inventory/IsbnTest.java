package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IsbnTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "9784088725093|9784088725093",
            "978-4-08-872509-3|9784088725093",
            "978 4 08 872509 3|9784088725093",
            "９７８－４－０８－８７２５０９－３|9784088725093",      // full-width digits, full-width hyphen
            "978ー4ー08ー872509ー3|9784088725093",                 // katakana long vowel mark as hyphen
            "978ｰ4ｰ08ｰ872509ｰ3|9784088725093",
            "978‐4‐08‐872509‐3|9784088725093",                    // U+2010 hyphen
            "ISBN 978-4-08-872509-3|9784088725093",
            "ISBN-13: 978-4-08-872509-3|9784088725093",
            "isbn:9784088725093|9784088725093",
            "  978-4-08-872509-3\u3000|9784088725093",
            "4-08-872509-3|4088725093",                            // ISBN-10 kept as 10
            "0-8044-2957-X|080442957X",
            "0-8044-2957-x|080442957X",
            "0-8044-2957-Ｘ|080442957X",
            "０８０４４２９５７ｘ|080442957X",
            "ISBN-10 0-8044-2957-X|080442957X",
            "979-10-90636-07-1|9791090636071",
    })
    void normalizesValidIsbns(String input, String canonical) {
        assertThat(Isbn.normalize(input)).isEqualTo(canonical);
        assertThat(Isbn.isValid(input)).isTrue();
    }

    @Test
    void outerWhitespaceIncludingATrailingNewlineIsIgnored() {
        assertThat(Isbn.normalize("9784088725093\n")).isEqualTo("9784088725093");
        assertThat(Isbn.normalize("\t4-08-872509-3 ")).isEqualTo("4088725093");
    }

    @Test
    void theSeedsOwnExampleHasAWrongCheckDigit() {
        // The seed's docstring uses 978-4-08-882751-6; its data-quality regex (no check digit) accepts it.
        assertThatThrownBy(() -> Isbn.normalize("978-4-08-882751-6"))
                .isInstanceOf(InvalidIsbnException.class).hasMessageContaining("check digit");
        assertThat(Isbn.normalize("978-4-08-882751-3")).isEqualTo("9784088827513");
    }

    @ParameterizedTest
    @ValueSource(strings = {"9784088725094", "4088725094", "0804429571"})
    void wrongCheckDigitIsInvalid(String input) {
        assertThatThrownBy(() -> Isbn.normalize(input)).isInstanceOf(InvalidIsbnException.class)
                .hasMessage("ISBN check digit is not valid.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"978408872509", "97840887250933", "123", "40887250X3", "978408872509X"})
    void wrongLengthOrMisplacedXIsInvalid(String input) {
        assertThatThrownBy(() -> Isbn.normalize(input)).isInstanceOf(InvalidIsbnException.class);
    }

    @Test
    void isbn13MustBeBookland() {
        // A valid EAN-13 of a non-book (JAN 49…) is not an ISBN.
        assertThatThrownBy(() -> Isbn.normalize("4901234567894")).hasMessage("ISBN-13 must start with 978 or 979.");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "978-4-08-872509-3</inv:ISBN><inv:ISBN>1",
            "<![CDATA[9784088725093]]>",
            "9784088725093'",
            "978408872509&amp;3",
            "978-4-08-872509-3; DROP TABLE",
            "978408\n8725093",    // a newline is not a separator (outer whitespace is stripped, though)
            "①②③4088725093",
            "٩٧٨٤٠٨٨٧٢٥٠٩٣",     // Arabic-Indic digits
            "978.4.08.872509.3",
    })
    void anyOtherCharacterIsInvalid_soNoXmlCanReachTheSoapRequest(String input) {
        assertThat(Isbn.isValid(input)).as(input).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void blankIsRequired(String input) {
        assertThatThrownBy(() -> Isbn.normalize(input)).hasMessage("ISBN is required.");
        assertThatThrownBy(() -> Isbn.normalize(null)).hasMessage("ISBN is required.");
    }

    @Test
    void overlongInputIsRejectedWithoutScanning() {
        assertThat(Isbn.isValid("9".repeat(10_000))).isFalse();
    }

    @Test
    void messagesNeverEchoTheInput() {
        assertThatThrownBy(() -> Isbn.normalize("<script>alert(1)</script>"))
                .isInstanceOf(InvalidIsbnException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("<script>");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "4-08-872509-3|9784088725093",
            "0-8044-2957-X|9780804429573",
            "978-4-08-872509-3|9784088725093",
            "979-10-90636-07-1|9791090636071",
    })
    void toIsbn13(String input, String isbn13) {
        assertThat(Isbn.toIsbn13(input)).isEqualTo(isbn13);
    }

    @Test
    void toIsbn13RejectsInvalidInput() {
        assertThatThrownBy(() -> Isbn.toIsbn13("4-08-872509-0")).isInstanceOf(InvalidIsbnException.class);
    }
}
