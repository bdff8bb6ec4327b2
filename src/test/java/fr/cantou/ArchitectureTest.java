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

  /**
   * A new package under fr.cantou is either a flow or a foundation: a package named in neither
   * would be checked by no rule above (it could import two flows, say) and pass.
   */
  @Test
  void every_package_is_a_flow_or_a_foundation() {
    java.util.Set<String> named = new java.util.HashSet<>(FLOWS);
    named.addAll(FOUNDATIONS);
    java.util.Set<String> found = new java.util.TreeSet<>();
    for (var javaClass : main) {
      String name = javaClass.getPackageName();
      if (name.startsWith("fr.cantou.")) {
        found.add(name.substring("fr.cantou.".length()).split("\\.")[0]);
      }
    }
    assertThat(found).as("packages under fr.cantou, each in FLOWS or FOUNDATIONS").isSubsetOf(named);
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
        // Nor through JDBC, which is on the class path for the embedded database.
        .orShould().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.postgresql..")
        .check(main);
  }

  /** A SQL statement's first word at the start of a string literal or a text block, in any case ("select …" too). */
  private static final Pattern SQL_TEXT = Pattern.compile(
      "\"(?:\"\"\\s*)?\\s*(?:SELECT\\s|INSERT INTO|UPDATE \\w+(?: \\w+)? SET|DELETE FROM|WITH \\w+ AS|LOCK TABLE)\\b",
      Pattern.CASE_INSENSITIVE);

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

  /** The head of a method (or constructor): its name, its parameters, maybe a throws clause, and its body's brace. */
  private static final Pattern METHOD = Pattern.compile(
      "(?m)^\\s*(?:(?:public|protected|private|static|final|synchronized|abstract|default)\\s+)*(?:<[^>{;=]*>\\s*)?"
          + "([\\w.$]+(?:<[^{;=()]*?>)?(?:\\[])*)\\s+(\\w+)\\s*\\(([^;{]*?)\\)\\s*(throws\\s+[\\w.,\\s]+?)?\\s*\\{");
  /** A call of a method by its bare name (not {@code x.name(}, not {@code new Name(}). */
  private static final Pattern BARE_CALL = Pattern.compile("(?<![\\w.$])(?<!new )(\\w+)\\s*\\(");
  private static final Set<String> NOT_NAMES = Set.of("if", "for", "while", "switch", "catch", "synchronized", "return",
      "throw", "new", "try", "else", "super", "this");

  /** One method of a source file: its own code, what lambdas hold left out (see {@link #ownCode}). */
  private record Method(String name, boolean returnsFuture, boolean declaresThrows, int line, String own) {}

  private static List<Method> methods(String code) {
    List<Method> out = new ArrayList<>();
    var heads = METHOD.matcher(code);
    while (heads.find()) {
      if (NOT_NAMES.contains(heads.group(2)) || NOT_NAMES.contains(heads.group(1))) {
        continue;
      }
      out.add(new Method(heads.group(2), heads.group(1).matches("(?:[\\w.]+\\.)?Future<.*"), heads.group(4) != null,
          code.substring(0, heads.start(2)).split("\n", -1).length, ownCode(code, heads.end())));
    }
    return out;
  }

  /**
   * A method that returns a Future fails through it: no {@code throw} in its own body, no
   * {@code throws} clause, and no call of a method of its own file that throws (in its own body,
   * or through another such call). In a lambda given to map or compose, a throw is that future's
   * failure, and stays allowed.
   */
  @Test
  void future_returning_methods_never_throw() throws IOException {
    List<String> throwing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/fr/cantou"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        throwing.addAll(throwingFutureMethods(file.toString(), Files.readString(file)));
      }
    }
    assertThat(throwing).as("methods returning a Future that throw (return Future.failedFuture instead)").isEmpty();
  }

  static List<String> throwingFutureMethods(String file, String code) {
    List<Method> methods = methods(code);
    // The methods of the file that throw: by a throw or orElseThrow of their own, or by calling one that does.
    Set<String> throwers = new java.util.HashSet<>();
    methods.stream().filter(m -> THROWS.matcher(m.own()).find()).forEach(m -> throwers.add(m.name()));
    for (boolean grew = true; grew; ) {
      grew = false;
      for (Method m : methods) {
        if (!throwers.contains(m.name()) && calls(m, throwers) != null) {
          grew = throwers.add(m.name());
        }
      }
    }
    List<String> found = new ArrayList<>();
    for (Method m : methods.stream().filter(Method::returnsFuture).toList()) {
      String helper = calls(m, throwers);
      if (m.declaresThrows() || THROWS.matcher(m.own()).find() || helper != null) {
        found.add(file + ":" + m.line() + " " + m.name() + (m.declaresThrows() ? " (throws clause)"
            : helper != null && !THROWS.matcher(m.own()).find() ? " (calls " + helper + ", which throws)" : ""));
      }
    }
    return found;
  }

  /** A throw statement, or an Optional's orElseThrow. */
  private static final Pattern THROWS = Pattern.compile("(?<![\\w.])throw\\s|\\.orElseThrow\\(");

  /** The first method of {@code names} that {@code m} calls in its own code, or null. */
  private static String calls(Method m, Set<String> names) {
    var calls = BARE_CALL.matcher(m.own());
    while (calls.find()) {
      if (names.contains(calls.group(1)) && !calls.group(1).equals(m.name())) {
        return calls.group(1);
      }
    }
    return null;
  }

  /**
   * The code of the body starting at {@code start} (just after its brace) up to its closing
   * brace, with comments, strings and the bodies of lambdas (a block, or an expression up to the
   * end of its argument) blanked: what runs when the method is called, before it returns.
   */
  static String ownCode(String code, int start) {
    StringBuilder own = new StringBuilder();
    int depth = 1;
    for (int i = start; i < code.length(); i++) {
      char c = code.charAt(i);
      int skipTo = endOfText(code, i);
      if (skipTo < 0 && code.startsWith("->", i) && !caseArrow(code, i)) {
        skipTo = endOfLambda(code, i + 2);
      }
      if (skipTo >= 0) {
        own.append(' ');
        i = skipTo - 1;
        continue;
      }
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return own.toString();
      }
      own.append(c);
    }
    return own.toString();
  }

  /** Just after the comment, string, character or text block starting at {@code i}; -1 when none starts there. */
  private static int endOfText(String code, int i) {
    char c = code.charAt(i);
    if (code.startsWith("//", i)) {
      return code.indexOf('\n', i);
    } else if (code.startsWith("/*", i)) {
      return code.indexOf("*/", i) + 2;
    } else if (code.startsWith("\"\"\"", i)) {
      return code.indexOf("\"\"\"", i + 3) + 3;
    } else if (c == '"' || c == '\'') {
      int end = i + 1;
      while (code.charAt(end) != c) {
        end += code.charAt(end) == '\\' ? 2 : 1;
      }
      return end + 1;
    }
    return -1;
  }

  /** Whether the arrow at {@code i} is a switch's ({@code case …  ->}, {@code default ->}), not a lambda's. */
  private static boolean caseArrow(String code, int i) {
    int statement = Math.max(code.lastIndexOf(';', i), Math.max(code.lastIndexOf('{', i), code.lastIndexOf('}', i)));
    String head = code.substring(statement + 1, i).strip();
    return head.startsWith("case ") || head.equals("default");
  }

  /** Where the lambda whose body starts at {@code i} ends: after its block, or at the end of its expression. */
  private static int endOfLambda(String code, int i) {
    int depth = 0;
    boolean block = code.substring(i).stripLeading().startsWith("{");
    for (; i < code.length(); i++) {
      char c = code.charAt(i);
      int text = endOfText(code, i);
      if (text >= 0) {
        i = text - 1;
      } else if (c == '(' || c == '{' || c == '[') {
        depth++;
      } else if (c == ')' || c == '}' || c == ']') {
        if (depth == 0) {
          return i;
        }
        if (--depth == 0 && block) {
          return i + 1;
        }
      } else if ((c == ',' || c == ';') && depth == 0) {
        return i;
      }
    }
    return i;
  }

  /**
   * The handlers that answer without {@code Endpoint}, because they write as they read: a request's
   * file streamed to disk (refused before its body is read), the audit trail's CSV written page by page.
   */
  static final Set<String> STREAMING_HANDLERS = Set.of("CareFileRoutes this::upload", "AuditRoutes this::export");
  private static final Pattern ADD_HANDLER = Pattern.compile("\\.addHandler\\(\\s*([\\w.:]+)");

  /** One way to fail over HTTP too: a feature's handler is made by {@code Endpoint}, so a throw and a failed future answer alike. */
  @Test
  void feature_handlers_go_through_endpoint() throws IOException {
    List<String> bypassing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/fr/cantou"))) {
      for (Path file : files.filter(f -> f.toString().endsWith("Routes.java") && !f.toString().contains("/platform/")).toList()) {
        String name = file.getFileName().toString().replace(".java", "");
        var handlers = ADD_HANDLER.matcher(Files.readString(file));
        while (handlers.find()) {
          String handler = handlers.group(1);
          if (!handler.startsWith("Endpoint.") && !STREAMING_HANDLERS.contains(name + " " + handler)) {
            bypassing.add(name + " " + handler);
          }
        }
      }
    }
    assertThat(bypassing).as("route handlers not made by Endpoint (ok, created, noContent, json, answer)").isEmpty();
  }

  /**
   * CantouNode is the list of modules: of a feature it knows only its module and its settings'
   * record (and the demo territory it loads), never a service, store or route of it.
   */
  @Test
  void the_node_builds_no_feature_itself() {
    DescribedPredicate<JavaClass> insideAFeature = new DescribedPredicate<>("a feature's class other than its module or settings") {
      @Override
      public boolean test(JavaClass c) {
        String name = c.getName().replaceAll("\\$.*", "");
        return FLOWS.stream().filter(flow -> !flow.equals("demo")).anyMatch(flow -> c.getPackageName().startsWith("fr.cantou." + flow))
            && !name.endsWith("Module") && !name.endsWith("Config");
      }
    };
    noClasses().that().haveFullyQualifiedName("fr.cantou.CantouNode").or().haveFullyQualifiedName("fr.cantou.NodeRouter")
        .should().dependOnClassesThat(insideAFeature).check(main);
  }

  /** Past this many lines a main class says at its top why it stays whole. */
  static final int LONGEST_CLASS = 300;
  /** The words that open that reason, in the class's javadoc. */
  static final String LONG_BECAUSE = "Long because";
  /** A top-level type's head, at the start of a line: what the class's javadoc stands just above. */
  private static final Pattern TYPE_HEAD = Pattern.compile(
      "(?m)^(?:public\\s+|final\\s+|abstract\\s+|sealed\\s+)*(?:class|interface|record|enum)\\s");

  /**
   * Classes a newcomer reads in one sitting: a main source file over {@link #LONGEST_CLASS} lines
   * carries, in the javadoc of its class, a sentence starting with {@link #LONG_BECAUSE}.
   */
  @Test
  void a_long_class_says_why_at_its_top() throws IOException {
    List<String> unexplained = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/fr/cantou"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        String code = Files.readString(file);
        long lines = code.lines().count();
        if (lines > LONGEST_CLASS && !classComment(code).contains(LONG_BECAUSE)) {
          unexplained.add(file + " (" + lines + " lines)");
        }
      }
    }
    assertThat(unexplained).as("main classes over " + LONGEST_CLASS + " lines whose javadoc says no '" + LONG_BECAUSE
        + " …' (split it along its seams, or say why it stays whole)").isEmpty();
  }

  /** The javadoc just above the file's first top-level type, or "" when it has none. */
  static String classComment(String code) {
    var head = TYPE_HEAD.matcher(code);
    if (!head.find()) {
      return "";
    }
    String before = code.substring(0, head.start()).stripTrailing();
    // Annotations between the comment and the head (@SuppressWarnings…) do not part them.
    while (before.lines().reduce((a, b) -> b).orElse("").strip().startsWith("@")) {
      before = before.substring(0, before.lastIndexOf('\n')).stripTrailing();
    }
    return before.endsWith("*/") && before.lastIndexOf("/**") >= 0 ? before.substring(before.lastIndexOf("/**")) : "";
  }

  @Test
  void the_length_check_reads_the_class_comment_only() {
    assertThat(classComment("package x;\n\n/** Long because a reason. */\n@Deprecated\npublic final class X {\n}\n"))
        .contains(LONG_BECAUSE);
    assertThat(classComment("package x;\n/** Long because in the import's comment. */\nimport y.Z;\n\nclass X {\n}\n"))
        .isEmpty();
    assertThat(classComment("package x;\n\nfinal class X {\n  /** Long because a method's. */\n  void m() {}\n}\n"))
        .isEmpty();
  }

  @Test
  void database_errors_are_read_only_in_the_stores() {
    noClasses().that(DescribedPredicate.not(STORE_LAYER))
        .should().dependOnClassesThat().belongToAnyOf(io.vertx.pgclient.PgException.class)
        .check(main);
  }

  /** Constraint names and SQLSTATEs stay with the stores: a service reads a {@code Refused}'s outcome, never a rule. */
  @Test
  void only_the_stores_name_the_schemas_refusals() {
    noClasses().that(DescribedPredicate.not(STORE_LAYER))
        .should().dependOnClassesThat().belongToAnyOf(fr.cantou.platform.db.DatabaseErrors.Rule.class,
            fr.cantou.platform.db.DatabaseErrors.Violation.class)
        .check(main);
  }

  /**
   * Visio's parts, in the order of docs/architecture.md: a service calls the services of the parts
   * above it (booking reads the catalogue, the slots and the appointments), never one below.
   */
  static final List<String> VISIO_PARTS = List.of("CatalogueService", "CalendarService", "SlotService",
      "AppointmentService", "BookingService", "MeetingService", "WaitingListService", "LostLinkService",
      "CitizenDataService", "KioskService");

  @Test
  void visio_services_call_only_the_parts_above_them() {
    for (int i = 0; i < VISIO_PARTS.size() - 1; i++) {
      List<String> below = VISIO_PARTS.subList(i + 1, VISIO_PARTS.size()).stream().map(n -> "fr.cantou.visio." + n).toList();
      noClasses().that().haveNameMatching("fr\\.cantou\\.visio\\." + VISIO_PARTS.get(i) + "(\\$.*)?")
          .should().dependOnClassesThat().haveNameMatching("(" + String.join("|", below).replace(".", "\\.") + ")(\\$.*)?")
          .check(main);
    }
    // Every visio service has its place in the list.
    assertThat(main.stream().filter(c -> c.getPackageName().equals("fr.cantou.visio") && c.getSimpleName().endsWith("Service")
        && !c.isNestedClass()).map(JavaClass::getSimpleName)).containsExactlyInAnyOrderElementsOf(VISIO_PARTS);
  }

  @Test
  void routes_call_services_and_services_call_stores_never_the_other_way() {
    noClasses().that(STORE_LAYER).should().dependOnClassesThat(named("Service").or(named("Routes"))).check(main);
    noClasses().that(named("Service")).should().dependOnClassesThat(named("Routes")).check(main);
    // A feature's HTTP adapter reaches the database through its services only (the node's own
    // /health and /ready, in platform, ping it directly).
    noClasses().that(named("Routes")).and().resideOutsideOfPackage("fr.cantou.platform..")
        .should().dependOnClassesThat(STORE_LAYER).check(main);
  }

  @Test
  void the_scan_sees_a_throw_through_a_helper_and_a_throws_clause_not_in_a_lambda() {
    String code = """
        class X {
          Future<Void> save(String a) {
            check(a);
            return Future.succeededFuture();
          }
          Future<Void> later(String a) {
            return Future.succeededFuture().map(v -> { check(a); return null; }).map(v -> check(a));
          }
          Future<Void> read() throws java.io.IOException {
            return Future.succeededFuture();
          }
          String kind(int n) {
            return switch (n) { case 1 -> "one"; default -> throw new IllegalStateException(); };
          }
          Future<String> named(int n) {
            return Future.succeededFuture(kind(n));
          }
          private static Void check(String a) {
            if (a == null) {
              throw new IllegalArgumentException("a");
            }
            return null;
          }
        }
        """;
    assertThat(throwingFutureMethods("X.java", code)).containsExactly("X.java:2 save (calls check, which throws)",
        "X.java:9 read (throws clause)", "X.java:15 named (calls kind, which throws)");
  }
}
