// CoreDNS for the kind node image: kubeadm's CoreDNS Deployment runs the Corefile kubeadm writes,
// which uses more plugins than the real node's build (../../toolchain/coredns) links. This main
// links exactly those, so kubeadm's Corefile loads unchanged.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/metrics"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
)

func main() {
	// The plugin chain's order, as upstream's plugin.cfg lists these plugins.
	dnsserver.Directives = []string{
		"reload", "bind", "ready", "health", "prometheus", "errors",
		"loadbalance", "cache", "kubernetes", "loop", "forward",
	}
	coremain.Run()
}
