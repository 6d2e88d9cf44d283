package dev.sealer.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the README describes, held against the compiled code:
 *
 * <pre>
 *   functions -> secret -> kms <- kms.aliyun -> credentials
 *                                   kms.aliyun -> credentials.ram -> credentials
 *   emulator -> kms.aliyun (protocol classes), credentials, credentials.ram
 * </pre>
 *
 * Credentials live in one room: client keys in {@code credentials}, the RAM sources (metadata service, token
 * files, {@code ecsRamRole.json}) in {@code credentials.ram}; neither knows a KMS or the provider's
 * configuration.
 *
 * The root package ({@code dev.sealer}: error codes, exceptions, id and base64 rules) is used by all
 * and uses none. Nothing depends on the emulator except through {@code LocalKmsInstance}, and the
 * function layer knows no provider.
 */
class LayeringTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importProductionCode() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sealer");
    }

    @Test
    void layers_dependOnlyDownwards() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Functions")
                .definedBy("dev.sealer.functions..")
                .layer("Secret")
                .definedBy("dev.sealer.secret..")
                .layer("Kms")
                .definedBy("dev.sealer.kms")
                .layer("Aliyun")
                .definedBy("dev.sealer.kms.aliyun..")
                .layer("Credentials")
                .definedBy("dev.sealer.credentials")
                .layer("RamCredentials")
                .definedBy("dev.sealer.credentials.ram..")
                .layer("Emulator")
                .definedBy("dev.sealer.emulator..")
                .whereLayer("Functions")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Emulator")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Secret")
                .mayOnlyBeAccessedByLayers("Functions")
                .whereLayer("Kms")
                .mayOnlyBeAccessedByLayers("Functions", "Secret", "Aliyun")
                .whereLayer("Aliyun")
                .mayOnlyBeAccessedByLayers("Emulator")
                .whereLayer("Credentials")
                .mayOnlyBeAccessedByLayers("Aliyun", "Emulator", "Functions", "RamCredentials")
                .whereLayer("RamCredentials")
                .mayOnlyBeAccessedByLayers("Aliyun", "Emulator")
                .check(classes);
    }

    @Test
    void functions_knowNoProvider() {
        noClasses()
                .that()
                .resideInAPackage("dev.sealer.functions..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.sealer.kms.aliyun..", "dev.sealer.emulator..")
                .check(classes);
    }

    @Test
    void theCore_isFreeOfTheFramework() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.sealer.secret..", "dev.sealer.credentials")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("jakarta.enterprise..", "jakarta.inject..", "io.quarkus..", "io.vertx..")
                .check(classes);
    }

    /** The RAM sources use no CDI; only the metadata service's typed REST client is built with the framework's builder. */
    @Test
    void ramCredentials_useNoCdi() {
        noClasses()
                .that()
                .resideInAPackage("dev.sealer.credentials.ram..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("jakarta.enterprise..", "jakarta.inject..", "io.vertx..", "io.quarkus.arc..")
                .check(classes);
    }

    /** Credentials know no KMS: neither the provider-neutral interfaces nor any provider. */
    @Test
    void credentials_knowNoKms() {
        noClasses()
                .that()
                .resideInAPackage("dev.sealer.credentials..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.sealer.kms..", "dev.sealer.secret..", "dev.sealer.functions..")
                .check(classes);
    }

    /** The envelope core reaches a KMS only through the provider-neutral capabilities. */
    @Test
    void secret_knowsNoProvider() {
        noClasses()
                .that()
                .resideInAPackage("dev.sealer.secret..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.sealer.kms.aliyun..", "dev.sealer.credentials..", "dev.sealer.emulator..")
                .check(classes);
    }

    @Test
    void theRootPackage_dependsOnNoOtherPartOfTheProject() {
        noClasses()
                .that()
                .resideInAPackage("dev.sealer")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.sealer.*..")
                .check(classes);
    }

    /** The CDH parity model is pure: it judges strings, and reaches no key, KMS, credential or other part. */
    @Test
    void cdhParity_dependsOnlyOnTheRootPackage() {
        noClasses()
                .that()
                .resideInAPackage("dev.sealer.secret.cdh..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.sealer.secret",
                        "dev.sealer.kms..",
                        "dev.sealer.credentials..",
                        "dev.sealer.functions..",
                        "dev.sealer.emulator..")
                .check(classes);
    }

    @Test
    void packages_haveNoCycles() {
        slices().matching("dev.sealer.(**)").should().beFreeOfCycles().check(classes);
    }

    /**
     * Inside the emulator, no two classes use each other (nested classes count as their outer class):
     * framing, routing, fault injection, authentication and the operations each depend only onwards.
     */
    @Test
    void emulatorClasses_haveNoTwoWayLoops() {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (JavaClass type : classes) {
            if (!type.getPackageName().equals("dev.sealer.emulator")) {
                continue;
            }
            String from = outermost(type).getName();
            for (Dependency dependency : type.getDirectDependenciesFromSelf()) {
                JavaClass target = dependency.getTargetClass();
                if (target.getPackageName().equals("dev.sealer.emulator")) {
                    String to = outermost(target).getName();
                    if (!to.equals(from)) {
                        uses.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
                    }
                }
            }
        }
        List<String> loops = new ArrayList<>();
        uses.forEach((from, targets) -> targets.forEach(to -> {
            if (from.compareTo(to) < 0 && uses.getOrDefault(to, Set.of()).contains(from)) {
                loops.add(from + " <-> " + to);
            }
        }));
        assertThat(uses).as("the emulator's classes were found").hasSizeGreaterThan(5);
        assertThat(loops).as("two-way class loops in dev.sealer.emulator").isEmpty();
    }

    private static JavaClass outermost(JavaClass type) {
        JavaClass outer = type;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        return outer;
    }
}
