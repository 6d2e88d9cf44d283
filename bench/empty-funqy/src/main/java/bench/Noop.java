package bench;

import io.quarkus.funqy.Funq;

/** The empty function: the framework's floor. */
public class Noop {

    public record Input(String sealed) {
    }

    public record Output(String plaintext) {
    }

    @Funq
    public Output noop(Input input) {
        return new Output("");
    }
}
