package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;

import mangaassist.devstack.erp.ErpCatalog;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Property-based tests of {@link Isbn} (the reliability suite's fuzzing): every valid ISBN, in any way a customer or a
 * feed writes it, comes out canonical; any single wrong digit is refused; and no input whatever gets past it with a
 * character that could reach the ERP's SOAP request, or ends in anything but {@link InvalidIsbnException}.
 */
class IsbnPropertiesTest {

    @Property
    void aValidIsbn13IsAcceptedHoweverItIsWritten(@ForAll("isbn13") String isbn, @ForAll("spellings") Spelling spelling) {
        assertThat(Isbn.normalize(spelling.write(isbn))).isEqualTo(isbn);
        assertThat(Isbn.toIsbn13(spelling.write(isbn))).isEqualTo(isbn);
    }

    @Property
    void aValidIsbn10IsAcceptedAndBecomesTheIsbn13OfTheSameBook(@ForAll("isbn10") String isbn,
            @ForAll("spellings") Spelling spelling) {
        assertThat(Isbn.normalize(spelling.write(isbn))).isEqualTo(isbn);
        String thirteen = Isbn.toIsbn13(isbn);
        assertThat(thirteen).hasSize(13).startsWith("978" + isbn.substring(0, 9));
        assertThat(Isbn.isValid(thirteen)).isTrue();
    }

    @Property
    void anyOneWrongDigitIsRefused(@ForAll("isbn13") String isbn, @ForAll @IntRange(min = 3, max = 12) int position,
            @ForAll @IntRange(min = 1, max = 9) int shift) {
        // the 1-3-1-3 weights are coprime to 10: every single-digit error changes the sum modulo 10
        // (positions 0-2 are the 978/979 prefix, refused for a reason of their own)
        char wrong = (char) ('0' + (isbn.charAt(position) - '0' + shift) % 10);
        String typo = isbn.substring(0, position) + wrong + isbn.substring(position + 1);
        assertThatThrownBy(() -> Isbn.normalize(typo)).isInstanceOf(InvalidIsbnException.class);
    }

    @Property
    void swappingTwoNeighbouringDigitsOfAnIsbn10IsRefused(@ForAll("isbn10") String isbn,
            @ForAll @IntRange(min = 0, max = 7) int position) {
        // ISBN-10's weights 10..1 modulo 11 catch every transposition of two different neighbours
        char a = isbn.charAt(position);
        char b = isbn.charAt(position + 1);
        String swapped = isbn.substring(0, position) + b + a + isbn.substring(position + 2);
        assertThat(Isbn.isValid(swapped)).isEqualTo(a == b);
    }

    @Property(tries = 2000)
    void anyInputIsCanonicalOrRefusedWithTheIsbnError(@ForAll("anything") String input) {
        Throwable refused = catchThrowable(() -> Isbn.normalize(input));
        if (refused == null) {
            assertThat(Isbn.normalize(input)).matches("\\d{9}[\\dX]|97[89]\\d{10}");
        } else {
            assertThat(refused).isInstanceOf(InvalidIsbnException.class);
            // a user-facing message of its own, which never echoes what was sent
            assertThat(refused.getMessage()).contains("ISBN").doesNotContain("<", "'", "&", "\u0000");
        }
    }

    @Provide
    Arbitrary<String> isbn13() {
        return Combinators.combine(Arbitraries.of("978", "979"), Arbitraries.strings().numeric().ofLength(9))
                .as((prefix, body) -> prefix + body + ErpCatalog.checkDigit(prefix + body));
    }

    @Provide
    Arbitrary<String> isbn10() {
        return Arbitraries.strings().numeric().ofLength(9).map(IsbnPropertiesTest::withCheck10);
    }

    @Provide
    Arbitrary<Spelling> spellings() {
        return Combinators.combine(Arbitraries.of(Spelling.Form.values()), Arbitraries.integers().between(0, 1 << 12))
                .as(Spelling::new);
    }

    /** ISBN-like text, injection attempts and random Unicode: what a query string or a feed may carry. */
    @Provide
    Arbitrary<String> anything() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(60),
                Arbitraries.strings().withChars("0123456789Xx- ー０１２３４５６７８９<>'\"&;").ofMaxLength(30),
                Combinators.combine(isbn13(), Arbitraries.of("'", "<a>", "&amp;", "; DROP TABLE", "\u0000", "%27"))
                        .as(String::concat),
                Arbitraries.of(List.of("", " ", "ISBN", "isbn-13:", "\uFEFF9784088820019", "9784088820019\n")));
    }

    /** One of the ways an ISBN is written: hyphens or spaces at random places, full-width digits, an "ISBN" prefix. */
    record Spelling(Form form, int separators) {
        enum Form { PLAIN, HYPHENS, SPACES, FULL_WIDTH, PREFIXED, IME_DASHES }

        String write(String isbn) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < isbn.length(); i++) {
                char c = isbn.charAt(i);
                out.append(form == Form.FULL_WIDTH && c != 'X' ? (char) (c + 0xFEE0) : c);
                boolean between = i < isbn.length() - 1 && (separators >> i & 1) == 1;
                if (between && form == Form.HYPHENS) {
                    out.append('-');
                } else if (between && form == Form.SPACES) {
                    out.append(' ');
                } else if (between && form == Form.IME_DASHES) {
                    out.append('ー');
                }
            }
            return form == Form.PREFIXED ? "ISBN-" + isbn.length() + ": " + out : out.toString();
        }
    }


    static String withCheck10(String nine) {
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (10 - i) * (nine.charAt(i) - '0');
        }
        int check = (11 - sum % 11) % 11;
        return nine + (check == 10 ? "X" : String.valueOf(check));
    }
}
