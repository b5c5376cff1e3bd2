package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A client error is an answer, not a fault: it costs no stack trace, and a cause keeps its own. */
class ApiExceptionTest {

    @Test
    void carriesNoStackTraceOfItsOwnButKeepsItsCauses() {
        IllegalStateException cause = new IllegalStateException("ERP circuit breaker open");
        ApiException unavailable = new ApiException("ERP_UNAVAILABLE", 503, "The stock system is unavailable.", cause);
        ApiException notFound = new ApiException("INVENTORY_NOT_FOUND", 404, "No stock record exists.");

        assertThat(notFound.getStackTrace()).isEmpty();
        assertThat(unavailable.getStackTrace()).isEmpty();
        assertThat(unavailable.getCause()).isSameAs(cause);
        assertThat(cause.getStackTrace()).isNotEmpty();
        assertThat(notFound.code()).isEqualTo("INVENTORY_NOT_FOUND");
        assertThat(notFound.httpStatus()).isEqualTo(404);
    }
}
