// The Set-up page's data step downloads from the site the reader is on: its placeholder address
// becomes this site's own copy of the dataset (the page's download link, made absolute).
document$.subscribe(function () {
  var link = document.querySelector('a[download="indian_ipo.csv"]');
  if (!link) return;
  var url = new URL(link.getAttribute("href"), window.location.href).href;
  var walker = document.createTreeWalker(document.querySelector(".md-content"), NodeFilter.SHOW_TEXT);
  for (var node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeValue.indexOf("https://YOUR-COURSE-SITE/data/indian_ipo.csv") >= 0) {
      node.nodeValue = node.nodeValue.replace("https://YOUR-COURSE-SITE/data/indian_ipo.csv", url);
    }
  }
});
