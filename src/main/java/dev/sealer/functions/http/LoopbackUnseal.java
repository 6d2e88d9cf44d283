package dev.sealer.functions.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealer.CallerFaultException;
import dev.sealer.ErrorCode;
import dev.sealer.ServiceFaultException;
import dev.sealer.functions.AttestedKeys;
import dev.sealer.functions.Invocation;
import dev.sealer.functions.SealerService;
import dev.sealer.functions.UnsealRequest;
import dev.sealer.functions.runtime.HttpLimits;
import dev.sealer.functions.runtime.Profiles;
import dev.sealer.functions.runtime.SealerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The {@code tee} profile's loopback listener ({@code sealer.tee.loopback-port}): {@code POST /unseal}
 * answering the secret in clear ({@code {"plaintext", "text"}}), for a workload container of the same
 * pod. It listens on {@code 127.0.0.1} only (fixed, not configurable): the guest's loopback, which no
 * packet from outside the pod reaches, and which the Knative Service does not expose (queue-proxy forwards
 * only to the service port). Requests need the loopback token ({@code sealer.tee.loopback-token}), which
 * comes from KBS through the guest's resource API: the host, which can replace a Kubernetes Secret and so
 * may know the service port's API token, does not know it. Bodies are bounded by
 * {@code quarkus.http.limits.max-body-size}. Nothing else is served there (no seal, no health).
 */
@ApplicationScoped
public class LoopbackUnseal {

    private static final Logger LOG = Logger.getLogger(LoopbackUnseal.class);
    static final String HOST = "127.0.0.1";

    @Inject
    SealerConfig config;

    @Inject
    SealerService service;

    @Inject
    AttestedKeys attestedKeys;

    @Inject
    ErrorResponses errors;

    @Inject
    ObjectMapper mapper;

    @Inject
    Vertx vertx;

    private volatile HttpServer server;

    void start(@Observes @Priority(10) StartupEvent event) throws Exception {
        if (!Profiles.isTee(Profiles.active()) || config.tee().loopbackPort().isEmpty()) {
            return;
        }
        int port = config.tee().loopbackPort().get();
        Router router = Router.router(vertx);
        router.post("/unseal")
                .handler(BodyHandler.create(false).setBodyLimit(HttpLimits.maxBodyBytes()))
                .blockingHandler(this::unseal, false);
        router.route()
                .failureHandler(context ->
                        errors.write(context, errors.render(context.failure(), context.statusCode(), context)));
        router.route()
                .handler(context -> errors.write(
                        context,
                        errors.render(
                                new CallerFaultException(
                                        ErrorCode.NOT_FOUND, "the loopback listener serves only POST /unseal"),
                                -1,
                                null)));
        try {
            server = vertx.createHttpServer(
                            new HttpServerOptions().setHost(HOST).setPort(port))
                    .requestHandler(router)
                    .listen()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ServiceFaultException(
                    ErrorCode.NOT_CONFIGURED,
                    "sealer.tee.loopback-port: cannot listen on " + HOST + ":" + port,
                    e.toString(),
                    e);
        }
        LOG.infof(
                "tee: POST /unseal in clear on %s:%d (loopback only, for containers of this pod)",
                HOST, server.actualPort());
    }

    void stop(@Observes ShutdownEvent event) {
        HttpServer running = server;
        if (running != null) {
            running.close();
        }
    }

    private void unseal(RoutingContext context) {
        try {
            String authorization = context.request().getHeader("Authorization");
            if (authorization == null
                    || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    || !attestedKeys.isLoopbackToken(authorization.substring(7).strip())) {
                throw new CallerFaultException(
                        ErrorCode.UNAUTHORIZED, "missing or wrong loopback token (Authorization: Bearer <token>)");
            }
            String type = context.request().getHeader("content-type");
            if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
                throw new CallerFaultException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send content-type: application/json");
            }
            byte[] body = context.body().buffer() == null
                    ? new byte[0]
                    : context.body().buffer().getBytes();
            if (body.length == 0) {
                throw new CallerFaultException(
                        ErrorCode.INVALID_REQUEST, "the body must be a JSON object with 'sealed'");
            }
            UnsealRequest request = StrictJson.REQUESTS.readValue(body, UnsealRequest.class);
            context.response()
                    .setStatusCode(200)
                    .putHeader("content-type", "application/json")
                    .end(mapper.writeValueAsString(service.unsealInClear(request, Invocation.loopback(context))));
        } catch (Throwable failure) {
            errors.write(context, errors.render(failure, -1, null));
        }
    }
}
