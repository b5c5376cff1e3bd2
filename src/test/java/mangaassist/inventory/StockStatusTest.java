package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class StockStatusTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest
    @CsvSource({"01,IN_STOCK", "02,LOW_STOCK", "03,OUT_OF_STOCK", "04,PREORDER", "' 02 ',LOW_STOCK"})
    void mapsTheSeedsCodes(String code, StockStatus status) {
        assertThat(StockStatus.fromCode(code)).isEqualTo(status);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "00", "05", "1", "001", "99", "in_stock", "０１"})
    void anythingElseIsUnknown(String code) {
        assertThat(StockStatus.fromCode(code)).isEqualTo(StockStatus.UNKNOWN);
    }

    @Test
    void jsonValuesAreTheSeedsSnakeCase() throws Exception {
        assertThat(MAPPER.writeValueAsString(StockStatus.values()))
                .isEqualTo("[\"in_stock\",\"low_stock\",\"out_of_stock\",\"preorder\",\"unknown\"]");
    }

    @Test
    void readsJsonValuesAndUnknownValuesBecomeUnknown() throws Exception {
        assertThat(MAPPER.readValue("\"out_of_stock\"", StockStatus.class)).isEqualTo(StockStatus.OUT_OF_STOCK);
        assertThat(MAPPER.readValue("\"discontinued\"", StockStatus.class)).isEqualTo(StockStatus.UNKNOWN);
    }
}
