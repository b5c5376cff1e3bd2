package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Executor;

import mangaassist.support.FlowTest;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The REST servlet's executor is the application's task executor, sized by spring.task.execution.pool: Camel's servlet
 * looks it up by name and, not finding it, silently falls back to Camel's default pool (10 to 20 threads). Spring Boot
 * 3.5 creates no applicationTaskExecutor when the application has an Executor bean of its own (catalog-cdc has one)
 * unless spring.task.execution.mode is force.
 */
@FlowTest
class RestServletFlowTest {

    @Autowired
    CamelContext camel;
    @Autowired
    RestServletProperties rest;
    @Value("${spring.task.execution.pool.core-size}")
    int coreSize;

    @Test
    void theRestServletsExecutorIsTheApplicationsTaskExecutor() {
        Executor executor = camel.getRegistry().lookupByNameAndType(rest.executor(), Executor.class);

        assertThat(executor).as(rest.executor()).isInstanceOf(ThreadPoolTaskExecutor.class);
        assertThat(((ThreadPoolTaskExecutor) executor).getCorePoolSize()).isEqualTo(coreSize);
    }
}
