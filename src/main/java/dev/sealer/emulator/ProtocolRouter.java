package dev.sealer.emulator;

import dev.sealer.kms.aliyun.instance.RequestSigner;
import io.vertx.core.http.HttpServerRequest;

/**
 * Tells the two protocols the emulator's HTTPS port speaks apart: a KMS OpenAPI request has no
 * {@code x-kms-apiname} header, and its parameters in a form body or an {@code Action} in the query
 * string; every other request is the KMS-instance API's (which refuses what it does not serve).
 */
final class ProtocolRouter {

    private final InstanceApi instanceApi;
    private final OpenApiEmulator openApi;

    ProtocolRouter(InstanceApi instanceApi, OpenApiEmulator openApi) {
        this.instanceApi = instanceApi;
        this.openApi = openApi;
    }

    EmulatedCall route(HttpServerRequest request, byte[] body) {
        return isOpenApi(request) ? openApi.call(request, body) : instanceApi.call(request, body);
    }

    static boolean isOpenApi(HttpServerRequest request) {
        return request.getHeader(RequestSigner.HEADER_API_NAME) == null
                && (OpenApiEmulator.isForm(request) || request.params().contains("Action"));
    }
}
