/**
 * mm.reporting API: free page reporting (mm/page_reporting.c and its 2018-2019 predecessors) to an emulated
 * virtio-balloon device, the host's view of the guest's memory, and the workloads that drive it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package mm.reporting.api;
