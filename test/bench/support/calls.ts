/** Hand-written citizen calls shared by the benchmarks (separate from the demo duty list's examples). */

/** Ordinary calls: no labour words, so with one phone number each no detector fires on them. */
export const PLAIN_CALLS = [
  '凌晨一点了楼下工地还在打桩，整个小区的人都睡不了觉',
  '晚上公园里跳广场舞的音箱开得太大声，吵得没法休息',
  '小区电梯这个月坏了三次，物业一直拖着不修',
  '超市买的牛奶过期了还在卖，收银员不给退',
  '火车站打车司机嫌近拒载',
  '我们楼从早上开始停水，没有任何通知',
  '小区门口的路灯坏了一个多星期，晚上很黑',
  '大桥桥面上有货车掉落的碎石，车辆绕行很危险',
  '想问一下港澳通行证签注在哪里办，要带什么材料',
  '直升机每天在我们楼顶低空飞过，噪音很大',
  '地铁口很多流动摊贩占道经营，行人没法走',
  '楼下烧烤店油烟直接飘进我家窗户',
  '孩子明年上小学，租房的积分入学怎么申请',
  '在外地住院的费用回来怎么报销医保',
  '你好，我想反映一个情况，不知道找哪个部门',
];

/** A wage-arrears call about thirty-odd workers: a labour dispute. */
export const LABOUR_CALL = '我们厂老板三个月没发工资了，三十多个工人找不到人';
