"""Write zhongshan_page.html: a saved government web page (GB18030, meta charset gb2312) around a seed excerpt.

The page follows the template of Guangdong government sites: a top bar (登录 繁体版 长者助手), search box, menu,
breadcrumbs, the article (title, source and date line, body, right-aligned signature and date), share and print
links, previous/next links, related links and a footer with the site identifier and a visit counter (访问量).
The body is lines 6-22 and the closing paragraph of data/raw/zhongshan.txt. Run from the project root:

    .venv/bin/python tests/data/formats/make_zhongshan_page.py
"""

# ruff: noqa: E501 — the template keeps the lines of the page it imitates

import html
from pathlib import Path

from analysis.paths import RAW

seed = (RAW / "zhongshan.txt").read_text(encoding="utf-8").splitlines()
title = seed[2]
body = [line.strip() for line in seed[5:22] if line.strip()]
closing = seed[621].strip()

paras = []
for i, p in enumerate(body):
    text = html.escape(p, quote=False)
    if p.startswith(("一、", "二、")):
        paras.append(f'<p style="text-indent: 2em;"><strong>{text}</strong></p>')
    elif p.startswith("("):
        paras.append(f'<p style="text-indent: 2em;"><span style="font-family: 楷体_GB2312;">{text}</span></p>')
    elif i % 3 == 0:
        paras.append(f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{text}</p>")
    else:
        paras.append(f'<p style="text-indent: 2em; line-height: 2;">{text}</p>')
paras.append(f'<p style="text-indent: 2em;">{html.escape(closing, quote=False)}</p>')
paras.append('<p style="text-align: right;">中共中山市政务服务和数据管理局党组</p>')
paras.append('<p style="text-align: right;">2025年9月12日</p>')
content = "\n          ".join(paras)

page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<title>{title}_中山市人民政府门户网站</title>
<meta name="SiteName" content="中山市人民政府门户网站" />
<meta name="ArticleTitle" content="{title}" />
<meta name="PubDate" content="2025-09-12 16:30" />
<meta name="ContentSource" content="本网" />
<link rel="stylesheet" type="text/css" href="../../images/common.css" />
<script type="text/javascript" src="../../js/jquery.min.js"></script>
<script type="text/javascript">
  var _hmt = _hmt || []; // 统计代码：访问量
</script>
<style>.top-bar a {{ margin: 0 6px; }}</style>
</head>
<body>
<div class="top-bar">
  <div class="w1200">
    <span class="welcome">欢迎访问中山市人民政府门户网站！</span>
    <div class="top-right">
      <a href="javascript:void(0)" id="login">登录</a>
      <a href="javascript:void(0)" id="StranLink">繁体版</a>
      <a href="javascript:void(0)" onclick="aria.start()">长者助手</a>
      <a href="javascript:void(0)" id="wza">无障碍辅助浏览</a>
    </div>
  </div>
</div>
<div class="header">
  <div class="logo"><a href="../../"><img src="../../images/logo.png" alt="中山市人民政府门户网站" /></a></div>
  <div class="search">
    <form action="/search" method="get"><input type="text" name="q" placeholder="请输入关键词" /><button type="submit">搜索</button></form>
    <div class="hot-words">热门搜索：<a href="#">社保</a> <a href="#">公积金</a> <a href="#">入学</a> <a href="#">营商环境</a></div>
  </div>
</div>
<div class="nav">
  <ul>
    <li><a href="../../">首页</a></li>
    <li><a href="../../zwgk/">政务公开</a></li>
    <li><a href="../../zwfw/">政务服务</a></li>
    <li><a href="../../hdjl/">互动交流</a></li>
    <li class="on"><a href="../">政务动态</a></li>
    <li><a href="../../zsgk/">走进中山</a></li>
  </ul>
</div>
<div class="main w1200">
  <div class="position">当前位置：<a href="../../">首页</a> &gt; <a href="../">政务动态</a></div>
  <div class="article">
    <h1 class="article-title">{title}</h1>
    <div class="article-info">
      <span>信息来源：本网</span><span>发布日期：2025-09-12</span>
      <span class="font-size">【字号：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</span>
    </div>
    <div class="article-content">
      <div class="TRS_Editor">
        <div class="Custom_UnionStyle">
          {content}
        </div>
      </div>
    </div>
    <div class="article-tools">
      <div class="share">分享到：<a href="#" class="wechat">微信</a><a href="#" class="weibo">微博</a><a href="#" class="qzone">QQ空间</a></div>
      <div class="print"><a href="javascript:window.print()">【打印】</a><a href="javascript:window.close()">【关闭】</a></div>
    </div>
    <div class="prev-next">
      <p>上一篇：<a href="./t20250911_1.html">中山市召开数字政府建设工作推进会</a></p>
      <p>下一篇：<a href="./t20250913_1.html">市政务服务和数据管理局开展政务服务“好差评”专项检查</a></p>
    </div>
  </div>
  <div class="related">
    <h3>相关链接</h3>
    <ul>
      <li><a href="#">中山市政务服务和数据管理局关于2024年法治政府建设年度报告</a></li>
      <li><a href="#">中山市“数字政府”建设总体规划（2023—2025年）</a></li>
    </ul>
  </div>
</div>
<div class="footer">
  <div class="w1200">
    <p><a href="#">网站地图</a> | <a href="#">联系我们</a> | <a href="#">使用帮助</a> | <a href="#">隐私声明</a></p>
    <p>主办：中山市人民政府办公室　承办：中山市政务服务和数据管理局　网站标识码：4420000032</p>
    <p><a href="https://beian.miit.gov.cn/">粤ICP备05021389号</a>　粤公网安备 44200002442001号</p>
    <p>访问量：12345678　建议使用IE9及以上版本浏览器</p>
  </div>
</div>
<script type="text/javascript">var hits = 1025; // 访问量 计数</script>
</body>
</html>
"""
(Path(__file__).parent / "zhongshan_page.html").write_bytes(page.encode("gb18030"))
