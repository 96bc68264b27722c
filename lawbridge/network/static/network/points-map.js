// The service-point map: Leaflet (vendored), tiles from the server's configuration, markers from the page.
// Without tiles it still draws the points; without JavaScript the list below the map has everything.
document.addEventListener("DOMContentLoaded", () => {
  const element = document.getElementById("map");
  const data = document.getElementById("map-markers");
  if (!element || !data || typeof L === "undefined") return;
  const markers = JSON.parse(data.textContent);
  // Leaflet guesses its icon path from its stylesheet, which fails once static files carry content hashes.
  L.Icon.Default.mergeOptions({
    iconUrl: element.dataset.icon,
    iconRetinaUrl: element.dataset.icon2x,
    shadowUrl: element.dataset.shadow,
  });
  const map = L.map(element, { scrollWheelZoom: false });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { maxZoom: 18, attribution: element.dataset.attribution }).addTo(map);
  }
  const layer = L.featureGroup();
  markers.forEach((m) => {
    const marker = L.marker([m.lat, m.lon], { title: m.name, alt: m.name });
    const popup = document.createElement("div");
    const link = document.createElement(m.url ? "a" : "strong");
    if (m.url) link.href = m.url;
    link.textContent = m.name;
    popup.appendChild(link);
    if (m.level) {
      const level = document.createElement("div");
      level.textContent = m.level;
      popup.appendChild(level);
    }
    marker.bindPopup(popup);
    // Without tiles the names are the only landmarks: label each point.
    if (!element.dataset.tiles) marker.bindTooltip(m.name, { direction: "right", offset: [8, -20] });
    layer.addLayer(marker);
  });
  layer.addTo(map);
  element.dataset.markers = String(markers.length);
  if (markers.length) {
    map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 14 });
  } else {
    map.setView([30.27, 120.15], 10);
  }
});
