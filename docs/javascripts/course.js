// The Set-up page's data step names the dataset's public copy, which works anywhere; read on the
// course site, it downloads this site's own copy instead (the page's download link, made absolute).
var PUBLIC_DATA_URL = "https://datatweets.com/datasets/indian_ipo.csv";
document$.subscribe(function () {
  var link = document.querySelector('a[download="indian_ipo.csv"]');
  if (!link) return;
  var url = new URL(link.getAttribute("href"), window.location.href).href;
  var walker = document.createTreeWalker(document.querySelector(".md-content"), NodeFilter.SHOW_TEXT);
  for (var node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeValue.indexOf(PUBLIC_DATA_URL) >= 0) {
      node.nodeValue = node.nodeValue.replace(PUBLIC_DATA_URL, url);
    }
  }
});
