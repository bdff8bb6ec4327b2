package fr.cantou;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/** The rules of docs/architecture.md ("The rules"), checked on the compiled main classes. */
class ArchitectureTest {
  /** The features that carry a flow of the product (or, for audit, the admins' reading of it); they never import each other. */
  static final List<String> FLOWS = List.of("teleconsult", "visio", "stats", "privacy", "audit", "demo");
  /** What every flow may build on; none of it knows a flow. */
  static final List<String> FOUNDATIONS = List.of("platform", "identity", "realtime", "rooms", "notify");

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("fr.cantou");
  }

  private static String[] packages(List<String> names) {
    return names.stream().map(name -> "fr.cantou." + name + "..").toArray(String[]::new);
  }

  @Test
  void the_foundations_know_no_flow() {
    noClasses().that().resideInAnyPackage(packages(FOUNDATIONS))
        .should().dependOnClassesThat().resideInAnyPackage(packages(FLOWS))
        .check(main);
  }

  @Test
  void the_flows_never_import_each_other() {
    for (String flow : FLOWS) {
      List<String> others = new ArrayList<>(FLOWS);
      others.remove(flow);
      noClasses().that().resideInAPackage("fr.cantou." + flow + "..")
          .should().dependOnClassesThat().resideInAnyPackage(packages(others))
          .check(main);
    }
  }

  @Test
  void no_cycle_between_packages() {
    slices().assignedFrom(packagesBelow("fr.cantou")).should().beFreeOfCycles().check(main);
    slices().assignedFrom(packagesBelow("fr.cantou.platform")).should().beFreeOfCycles().check(main);
  }

  /**
   * One slice per package right below {@code parent} (with its own subpackages), and one for the
   * classes of {@code parent} itself: they are in the no-cycle rule too ({@code CantouNode},
   * {@code platform/Json}…).
   */
  static SliceAssignment packagesBelow(String parent) {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass c) {
        String name = c.getPackageName();
        if (name.equals(parent)) {
          return SliceIdentifier.of(parent + " (its own classes)");
        }
        return name.startsWith(parent + ".")
            ? SliceIdentifier.of(parent + "." + name.substring(parent.length() + 1).replaceAll("\\..*", ""))
            : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "the packages below " + parent + " and its own classes";
      }
    };
  }

  /** A class of the store layer: a {@code …Store} (or a class nested in one), or anything in platform/db. */
  static final DescribedPredicate<JavaClass> STORE_LAYER = new DescribedPredicate<>("a store (…Store or platform.db)") {
    @Override
    public boolean test(JavaClass c) {
      String topLevel = c.getName().replaceAll("\\$.*", "");
      return topLevel.endsWith("Store") || c.getPackageName().equals("fr.cantou.platform.db");
    }
  };

  static DescribedPredicate<JavaClass> named(String suffix) {
    return new DescribedPredicate<>("a …" + suffix) {
      @Override
      public boolean test(JavaClass c) {
        return c.getPackageName().startsWith("fr.cantou") && c.getName().replaceAll("\\$.*", "").endsWith(suffix);
      }
    };
  }

  /** Running a statement: query, preparedQuery (SqlClient) or prepare (SqlConnection). */
  static final DescribedPredicate<JavaMethodCall> RUNS_SQL = new DescribedPredicate<>("run a SQL statement") {
    @Override
    public boolean test(JavaMethodCall call) {
      return call.getTargetOwner().isAssignableTo(io.vertx.sqlclient.SqlClient.class)
          && Set.of("query", "preparedQuery", "prepare").contains(call.getName());
    }
  };

  @Test
  void sql_runs_only_in_the_stores() {
    noClasses().that(DescribedPredicate.not(STORE_LAYER))
        .should().callMethodWhere(RUNS_SQL)
        .orShould().dependOnClassesThat().belongToAnyOf(io.vertx.sqlclient.Row.class, io.vertx.sqlclient.RowSet.class,
            io.vertx.sqlclient.Tuple.class, io.vertx.sqlclient.PreparedQuery.class)
        .check(main);
  }

  /** A SQL statement's first word at the start of a string literal or a text block. */
  private static final Pattern SQL_TEXT = Pattern.compile(
      "\"(?:\"\"\\s*)?\\s*(?:SELECT|INSERT INTO|UPDATE \\w+ SET|DELETE FROM|WITH \\w+ AS|LOCK TABLE)\\b");

  @Test
  void sql_is_written_only_in_the_stores() throws IOException {
    List<String> outside = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/fr/cantou"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        boolean store = file.getFileName().toString().endsWith("Store.java") || file.getParent().endsWith("platform/db");
        if (!store && SQL_TEXT.matcher(Files.readString(file)).find()) {
          outside.add(file.toString());
        }
      }
    }
    assertThat(outside).as("files outside the stores that write SQL").isEmpty();
  }

  @Test
  void the_platform_reads_no_setting_of_a_flow() throws IOException {
    List<String> reading = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/fr/cantou/platform"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String code = Files.readString(file);
        if (FLOWS.stream().anyMatch(flow -> code.contains("\"" + flow + "."))) {
          reading.add(file.toString());
        }
      }
    }
    assertThat(reading).as("platform files naming a flow's settings (each flow reads its own: TeleconsultConfig…)").isEmpty();
  }

  /** The head of a method that returns a Future. */
  private static final Pattern FUTURE_METHOD = Pattern.compile(
      "(?:<[^>]*>\\s*)?Future<[^{;=]*?>\\s+(\\w+)\\s*\\([^;{]*\\)\\s*\\{");

  /**
   * A method that returns a Future fails through it: no {@code throw} in its own body (in a lambda
   * given to map or compose, a throw is that future's failure, and stays allowed).
   */
  @Test
  void future_returning_methods_never_throw() throws IOException {
    List<String> throwing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/fr/cantou"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String code = Files.readString(file);
        var heads = FUTURE_METHOD.matcher(code);
        while (heads.find()) {
          int at = throwInOwnBody(code, heads.end());
          if (at >= 0) {
            throwing.add(file + ":" + (code.substring(0, at).split("\n", -1).length) + " " + heads.group(1));
          }
        }
      }
    }
    assertThat(throwing).as("throw statements in methods that return a Future (return Future.failedFuture instead)")
        .isEmpty();
  }

  /** The position of the first throw of the body starting at {@code start} outside any lambda block, or -1. */
  private static int throwInOwnBody(String code, int start) {
    java.util.ArrayDeque<Boolean> inLambda = new java.util.ArrayDeque<>(List.of(false));
    for (int i = start; i < code.length() && !inLambda.isEmpty(); i++) {
      char c = code.charAt(i);
      if (code.startsWith("//", i)) {
        i = code.indexOf('\n', i);
      } else if (code.startsWith("/*", i)) {
        i = code.indexOf("*/", i) + 1;
      } else if (code.startsWith("\"\"\"", i)) {
        i = code.indexOf("\"\"\"", i + 3) + 2;
      } else if (c == '"' || c == '\'') {
        int end = i + 1;
        while (code.charAt(end) != c) {
          end += code.charAt(end) == '\\' ? 2 : 1;
        }
        i = end;
      } else if (c == '{') {
        inLambda.push(code.substring(Math.max(start, i - 40), i).stripTrailing().endsWith("->") || inLambda.peek());
      } else if (c == '}') {
        inLambda.pop();
      } else if (code.startsWith("throw ", i) && !Character.isLetterOrDigit(code.charAt(i - 1)) && !inLambda.peek()) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void database_errors_are_read_only_in_the_stores() {
    noClasses().that(DescribedPredicate.not(STORE_LAYER))
        .should().dependOnClassesThat().belongToAnyOf(io.vertx.pgclient.PgException.class)
        .check(main);
  }

  @Test
  void routes_call_services_and_services_call_stores_never_the_other_way() {
    noClasses().that(STORE_LAYER).should().dependOnClassesThat(named("Service").or(named("Routes"))).check(main);
    noClasses().that(named("Service")).should().dependOnClassesThat(named("Routes")).check(main);
  }
}
