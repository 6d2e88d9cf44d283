package dev.sealer.testsupport;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;

/**
 * Installs {@link SecretRecorder} on RestAssured before every {@code @QuarkusTest} method (registered in
 * {@code META-INF/services}; it runs in the test's own class loader, where its RestAssured lives).
 */
public final class RecordSecrets implements QuarkusTestBeforeEachCallback {

    private static volatile boolean installed;

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (!installed) {
            synchronized (RecordSecrets.class) {
                if (!installed) {
                    RestAssured.filters(new SecretRecorder());
                    installed = true;
                }
            }
        }
    }
}
