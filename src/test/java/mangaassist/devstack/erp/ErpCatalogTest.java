package mangaassist.devstack.erp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErpCatalogTest {

    final ErpCatalog catalog = new ErpCatalog();

    @Test
    void everyIsbnIsAValidUniqueIsbn13() {
        assertThat(catalog.items()).allSatisfy(i -> assertThat(ErpCatalog.isValidIsbn13(i.isbn())).as(i.isbn()).isTrue());
        assertThat(catalog.items().stream().map(ErpCatalog.Item::isbn).distinct().count()).isEqualTo(catalog.items().size());
    }

    @Test
    void checkDigitOfAKnownRealIsbn() {
        assertThat(ErpCatalog.checkDigit("978408872509")).isEqualTo(3); // ONE PIECE 1: 978-4-08-872509-3
    }

    @Test
    void onePieceHasVolumesOneToOneHundredTen() {
        assertThat(catalog.isbnOf("ワンピース", 1)).isPresent();
        assertThat(catalog.isbnOf("ワンピース", 110)).isPresent();
        assertThat(catalog.isbnOf("ワンピース", 111)).isEmpty();
        assertThat(catalog.isbnOf("ONE PIECE", 42)).isEqualTo(catalog.isbnOf("ワンピース", 42));
        assertThat(catalog.isbnOf("ワンピース", 42).flatMap(catalog::byIsbn).orElseThrow().title()).isEqualTo("ワンピース 42");
    }

    @Test
    void chatPhrasesResolveToIsbns() {
        String op42 = catalog.isbnOf("ワンピース", 42).orElseThrow();
        assertThat(catalog.resolve("ワンピース42巻")).contains(op42);
        assertThat(catalog.resolve("「ワンピース 第４２巻」")).contains(op42);
        assertThat(catalog.resolve("ONE PIECE vol.42")).contains(op42);
        assertThat(catalog.resolve("ワンピース42巻は在庫ありますか？")).contains(op42);
        assertThat(catalog.resolve("鬼滅の刃 23巻")).isEqualTo(catalog.isbnOf("鬼滅の刃", 23));
        assertThat(catalog.resolve("SPY×FAMILY 3")).isEqualTo(catalog.isbnOf("SPY×FAMILY", 3));
        assertThat(catalog.resolve("存在しない漫画 1巻")).isEmpty();
        assertThat(catalog.searchTitle("フリーレン")).hasSize(14);
    }

    @Test
    void allFourStatusCodesWithConsistentFields() {
        assertThat(catalog.items()).extracting(ErpCatalog.Item::statusCode).contains("01", "02", "03", "04");
        assertThat(catalog.items()).allSatisfy(i -> {
            switch (i.statusCode()) {
                case "01" -> assertThat(i.quantity()).isGreaterThanOrEqualTo(10);
                case "02" -> assertThat(i.quantity()).isBetween(1, 5);
                case "03" -> assertThat(i.restockEtaDays()).isNotNull();
                case "04" -> assertThat(i.lastRestockDate()).isNull();
                default -> throw new AssertionError(i);
            }
        });
    }

    @Test
    void vendorCharactersAppearInSomeTitles() {
        assertThat(catalog.items()).anySatisfy(i -> assertThat(i.title()).contains("①", "～"));
        assertThat(catalog.items()).anySatisfy(i -> assertThat(i.title()).contains("髙"));
    }

    @Test
    void deterministic() {
        assertThat(new ErpCatalog().items()).containsExactlyElementsOf(catalog.items());
    }
}
