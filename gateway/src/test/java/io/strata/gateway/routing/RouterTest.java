package io.strata.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.gateway.routing.Route.Local.Kind;
import io.strata.gateway.routing.Route.Upstream;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final Router router = new Router(false);

    @Test
    void fixedUpstreamsLoseTheirPrefixExceptCosmosPackages() {
        assertThat(router.route("/mesos/master/state")).isEqualTo(new Route.Fixed(Upstream.MESOS, "/master/state", "mesos"));
        assertThat(router.route("/mesos/")).isEqualTo(new Route.Fixed(Upstream.MESOS, "/", "mesos"));
        assertThat(router.route("/marathon/v2/apps")).isEqualTo(new Route.Fixed(Upstream.MARATHON, "/v2/apps", "marathon"));
        assertThat(router.route("/mesos_dns/v1/version")).isEqualTo(new Route.Fixed(Upstream.MESOS_DNS, "/v1/version", "mesos_dns"));
        assertThat(router.route("/package/list")).isEqualTo(new Route.Fixed(Upstream.COSMOS, "/package/list", "cosmos"));
        assertThat(router.route("/capabilities")).isEqualTo(new Route.Fixed(Upstream.COSMOS, "/capabilities", "cosmos"));
        assertThat(router.route("/cosmos/service/start")).isEqualTo(new Route.Fixed(Upstream.COSMOS, "/service/start", "cosmos"));
        assertThat(router.route("/system/v1/leader/mesos/master/state"))
                .isEqualTo(new Route.Fixed(Upstream.MESOS, "/master/state", "mesos"));
        assertThat(router.route("/system/v1/leader/marathon")).isEqualTo(new Route.Fixed(Upstream.MARATHON, "/", "marathon"));
    }

    @Test
    void trailingSlashRedirects() {
        assertThat(router.route("/mesos")).isEqualTo(new Route.Redirect("/mesos/", 307));
        assertThat(router.route("/marathon")).isEqualTo(new Route.Redirect("/marathon/", 307));
        assertThat(router.route("/service/jenkins")).isEqualTo(new Route.Redirect("/service/jenkins/", 301));
    }

    @Test
    void servicesAndAgents() {
        assertThat(router.route("/service/jenkins/")).isEqualTo(new Route.Service("jenkins/"));
        assertThat(router.route("/service/group/app/v1/x")).isEqualTo(new Route.Service("group/app/v1/x"));
        assertThat(router.route("/service/")).isInstanceOf(Route.NotFound.class);
        assertThat(router.route("/agent/a1-b2-S0/files/read")).isEqualTo(new Route.Agent("a1-b2-S0", "/files/read"));
        assertThat(router.route("/slave/a1-b2-S0/state")).isEqualTo(new Route.Agent("a1-b2-S0", "/state"));
        assertThat(router.route("/agent/a1-b2-S0")).isEqualTo(new Route.Agent("a1-b2-S0", "/"));
    }

    @Test
    void localAnswersAndTheRest() {
        assertThat(router.route("/dcos-metadata/dcos-version.json")).isEqualTo(new Route.Local(Kind.DCOS_VERSION));
        assertThat(router.route("/system/health/v1")).isEqualTo(new Route.Local(Kind.HEALTH));
        assertThat(router.route("/system/health/v1/units")).isEqualTo(new Route.Local(Kind.HEALTH_UNITS));
        assertThat(router.route("/")).isEqualTo(new Route.Local(Kind.INDEX));
        assertThat(router.route("/nothing/here")).isInstanceOf(Route.NotFound.class);
        assertThat(new Router(true).route("/")).isEqualTo(new Route.Ui("/"));
        assertThat(new Router(true).route("/assets/app.js")).isEqualTo(new Route.Ui("/assets/app.js"));
        assertThat(new Router(true).route("/mesos/x")).isInstanceOf(Route.Fixed.class);
    }
}
