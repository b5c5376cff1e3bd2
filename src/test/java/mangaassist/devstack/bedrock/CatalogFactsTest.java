package mangaassist.devstack.bedrock;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The fact convention for grounded answers, and the token counting behind usage numbers. */
class CatalogFactsTest {

    @Test
    void readsABlockOfItemsUntilTheFirstLineWithoutPairs() {
        String prompt = "丁寧な敬語で答えてください。\n在庫情報：\n"
                + "- title=ワンピース 42 | isbn=9784088733890 | stock=in_stock | quantity=12 | price=484\n"
                + "・タイトル=呪術廻戦 1 | 在庫=在庫切れ\n"
                + "\n"
                + "title=not a fact, the block has ended";

        List<Map<String, String>> items = CatalogFacts.parse(prompt);

        assertThat(items).containsExactly(
                Map.of("title", "ワンピース 42", "isbn", "9784088733890", "stock", "in_stock", "quantity", "12", "price", "484"),
                Map.of("title", "呪術廻戦 1", "stock", "在庫切れ"));
        assertThat(CatalogFacts.stock("在庫切れ")).isEqualTo(CatalogFacts.Stock.OUT_OF_STOCK);
        assertThat(CatalogFacts.stock("In Stock")).isEqualTo(CatalogFacts.Stock.IN_STOCK);
    }

    @Test
    void mergesConsecutiveFactLinesIntoOneItemUntilAKeyRepeats() {
        String message = "[FACT] title: Spy x Family 12\n[FACT] stock: preorder\n"
                + "[FACT] title: Frieren 13\n[FACT] price=594\n"
                + "no facts without the marker: title=x";

        assertThat(CatalogFacts.parse(message)).containsExactly(
                Map.of("title", "Spy x Family 12", "stock", "preorder"),
                Map.of("title", "Frieren 13", "price", "594"));
        assertThat(CatalogFacts.parse("Stock facts: none today")).isEmpty();
    }

    @Test
    void countsAboutOneTokenPerJapaneseCharacterAndFourCharactersOfEnglish() {
        assertThat(Tokens.count("お問い合わせありがとうございます。")).isEqualTo(17);
        assertThat(Tokens.split("Thank you")).containsExactly("Than", "k", " you");
        assertThat(String.join("", Tokens.split("在庫は 12冊、price ¥484 です。\n次へ"))).isEqualTo("在庫は 12冊、price ¥484 です。\n次へ");
        assertThat(ClaudeResponder.isJapanese("You are MangaAssist. Use polite keigo (敬語).")).isFalse();
        assertThat(ClaudeResponder.isJapanese("あなたはMangaAssistです。")).isTrue();
    }
}
